using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Orchestration.Benchmarks;

/// <summary>
/// One endpoint process of the workload (Orchestration.TestEndpoint in a role), started the way it is deployed:
/// <c>dotnet Orchestration.TestEndpoint.dll</c> configured by environment variables.
/// </summary>
public sealed class EndpointHost : IAsyncDisposable
{
    const int KeptLines = 200;

    readonly Process _process;
    readonly Queue<string> _output = new();

    EndpointHost(string role, Process process, int port)
    {
        Role = role;
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Role { get; }
    public int Port { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return string.Join('\n', _output);
        }
    }

    public static EndpointHost Start(string assembly, string role, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(assembly))
            throw new FileNotFoundException("The workload endpoint is not built where expected.", assembly);

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        start.Environment["Role"] = role;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException($"The {role} endpoint did not start.");
        return new EndpointHost(role, process, port);
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The {Role} endpoint exited during start-up:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready", cancellationToken)).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The {Role} endpoint was not ready within {timeout.TotalSeconds} s:\n{Output}");
    }

    public double CpuMilliseconds() => ProcessStats.CpuMilliseconds(Pid);

    public double PeakResidentMegabytes() => ProcessStats.PeakResidentMegabytes(Pid);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }

        _process.Dispose();
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
                _output.Dequeue();
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
