using System.Diagnostics;
using System.Net;
using System.Text;

namespace Orchestration.Testing;

/// <summary>
/// The test endpoint as a real child process on RabbitMQ and PostgreSQL, so tests can stop it, kill it and start it
/// again exactly as an operator or a crash would.
/// </summary>
public sealed class EndpointProcess : IAsyncDisposable
{
    readonly string _assembly;
    readonly Dictionary<string, string> _settings;
    readonly ProcessOutput _output = new();
    Process? _process;

    /// <summary>Any endpoint host of the solution, by its built assembly, with the given settings.</summary>
    public EndpointProcess(string assembly, Dictionary<string, string> settings, int? port = null)
    {
        _assembly = assembly;
        _settings = settings;
        _fixedPort = port;
    }

    readonly int? _fixedPort;

    /// <summary>The test endpoint on RabbitMQ and PostgreSQL, in its own virtual host and schema.</summary>
    public EndpointProcess(string vhost, string schema, IDictionary<string, string>? settings = null)
    {
        _assembly = Path.Combine(AppContext.BaseDirectory, "Orchestration.TestEndpoint.dll");
        _settings = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["Storage__ConnectionString"] = TestServers.PostgresConnectionString,
            ["Storage__Schema"] = schema,
            ["Scheduler__Host"] = "true",
            ["Scheduler__PollInterval"] = "00:00:00.250",
            ["Recoverability__DelayedRetries"] = "00:00:01, 00:00:01, 00:00:01",
            ["Recoverability__Unrecoverable__0"] = "Orchestration.TestEndpoint.Contracts.ProbeRuleViolation",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        // As environment variables, where ':' is written '__'.
        foreach (var (key, value) in TestServers.RabbitMqSettings(vhost))
            _settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            _settings[key] = value;
    }

    public string Output => _output.ToString();

    int _port;

    /// <summary>What answers 200 once the process is ready; <c>/health/ready</c> on its own port when not set.</summary>
    public Uri? ReadyUrl { get; init; }

    /// <summary>The HTTP port of the running process.</summary>
    public Task<int> PortAsync() => Task.FromResult(_port);

    public async Task StartAsync(IDictionary<string, string>? overrides = null)
    {
        var port = _port = _fixedPort ?? FreePort.Next();
        var start = new ProcessStartInfo("dotnet", _assembly)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_assembly)!,
        };
        foreach (var (key, value) in _settings)
            start.Environment[key] = value;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        _process = Process.Start(start) ?? throw new InvalidOperationException("The test endpoint did not start.");
        _output.Capture(_process);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The test endpoint exited during start-up:\n{Output}");
            try
            {
                if ((await http.GetAsync(ReadyUrl ?? new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The test endpoint was not ready within 60 s:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself (for example after a requested crash).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cancellation.Token);
    }

    public bool HasExited => _process?.HasExited ?? true;

    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Asks the process to stop as a service manager does (SIGTERM) and waits until it has.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
            return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
