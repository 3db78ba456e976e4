using System.Text;
using Npgsql;

namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>scripts/run-distributed.sh</c> run as an operator runs it, on the real PostgreSQL and RabbitMQ: every endpoint
/// and the simulators as processes of their own. Each run gets a database and a RabbitMQ virtual host of its own,
/// free ports for every process, its own run folder (logs, the generated admin password) and, when asked, a maildev
/// to send its emails to. Disposing stops the script (which stops its processes) and removes what the run created.
/// </summary>
public sealed class DistributedRun : IAsyncDisposable
{
    /// <summary>The endpoint processes the script starts, by the names its logs and port variables use.</summary>
    public static readonly IReadOnlyList<string> Endpoints = ["gateway", "operations", "notifications", "leasing", "billing", "devices"];

    static readonly IReadOnlyList<string> Simulators = ["payments", "esignature", "screening", "mail"];

    readonly ProcessOutput _output = new();
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string _database;
    Process? _script;

    DistributedRun(string database, string virtualHost, string runDirectory, MailDev? mailDev)
    {
        _database = database;
        VirtualHost = virtualHost;
        RunDirectory = runDirectory;
        MailDev = mailDev;
        Ports = Endpoints.Concat(Simulators).ToDictionary(name => name, _ => FreePort.Next());
    }

    public string VirtualHost { get; }
    public string RunDirectory { get; }
    public MailDev? MailDev { get; }

    /// <summary>The port of every process, by name (endpoints and simulators).</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public Uri Url(string name) => new($"http://127.0.0.1:{Ports[name]}");

    public string AdminEmail => "admin@e2e.example.com";

    /// <summary>The password the script generated; it exists once the script has got that far.</summary>
    public string AdminPasswordFile => Path.Combine(RunDirectory, "admin-password");

    /// <summary>What the script printed (stdout and stderr).</summary>
    public string Output => _output.ToString();

    public bool HasExited => _script?.HasExited ?? true;

    /// <summary>Creates the run's database, virtual host, run folder and (with <paramref name="withMailDev"/>) maildev.</summary>
    public static async Task<DistributedRun> CreateAsync(bool withMailDev)
    {
        var database = $"e2e_{Guid.NewGuid():N}"[..16];
        await ExecuteAsync($"CREATE DATABASE \"{database}\"");
        var virtualHost = await TestServers.CreateVirtualHostAsync("e2e");
        var runDirectory = Directory.CreateTempSubdirectory("orchestration-e2e-").FullName;
        MailDev? mailDev = null;
        try
        {
            if (withMailDev)
                mailDev = await MailDev.StartAsync();
        }
        catch
        {
            await TestServers.DeleteVirtualHostAsync(virtualHost);
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            throw;
        }

        return new DistributedRun(database, virtualHost, runDirectory, mailDev);
    }

    /// <summary>Starts the script (without building: the test build has built every endpoint) and returns at once.</summary>
    public void Start(IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Repository.Script("run-distributed.sh"), "--no-build" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        var connection = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString);
        var settings = new Dictionary<string, string>
        {
            ["PGHOST"] = connection.Host!,
            ["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = connection.Username!,
            ["PGPASSWORD"] = connection.Password!,
            ["PGDATABASE"] = _database,
            ["RABBITMQ_HOST"] = TestServers.RabbitHost,
            ["RABBITMQ_PORT"] = TestServers.RabbitPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_USER"] = TestServers.RabbitUser,
            ["RABBITMQ_PASS"] = TestServers.RabbitPassword,
            ["RABBITMQ_MANAGEMENT_PORT"] = new Uri(TestServers.RabbitManagement).Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_VHOST"] = VirtualHost,
            ["CONFIGURATION"] = Repository.Configuration,
            ["ORCHESTRATION_RUN_DIR"] = RunDirectory,
            ["ORCHESTRATION_ADMIN_EMAIL"] = AdminEmail,
            ["ORCHESTRATION_READY_TIMEOUT"] = "150",
            // Should this test host be killed, the script stops everything it started rather than leave it running.
            ["ORCHESTRATION_STOP_WITH_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, port) in Ports)
            settings[$"ORCHESTRATION_{name.ToUpperInvariant()}_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        if (MailDev is not null)
            settings["MAILDEV"] = $"127.0.0.1:{MailDev.SmtpPort}";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            settings[key] = value;

        // Nothing from the test's own environment may choose for the run: the password is the generated one.
        foreach (var inherited in new[] { "ORCHESTRATION_ADMIN_PASSWORD", "ORCHESTRATION_SCALE", "ORCHESTRATION_AUTO_SIGN_AFTER", "MAILDEV" })
            start.Environment.Remove(inherited);
        foreach (var (key, value) in settings)
            start.Environment[key] = value;

        _script = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        _output.Capture(_script, line =>
        {
            if (line == "Ready.")
                _ready.TrySetResult();
        });
        _ = _script.WaitForExitAsync().ContinueWith(
            _ => _ready.TrySetException(new InvalidOperationException($"run-distributed.sh exited with {_script.ExitCode} before it was ready:\n{Describe()}")),
            TaskScheduler.Default);
    }

    /// <summary>Waits for the script's "Ready." line: every process started and answered its readiness check.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"run-distributed.sh was not ready within {timeout.TotalSeconds} s:\n{Describe()}");
        }
    }

    /// <summary>True when something accepts connections on the port (a process of the run still listening).</summary>
    public static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits for the script to end by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        try
        {
            await _script!.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"run-distributed.sh did not exit within {timeout.TotalSeconds} s:\n{Describe()}");
        }

        return _script.ExitCode;
    }

    /// <summary>The log of one process, as the script wrote it.</summary>
    public string Log(string name)
    {
        var file = Path.Combine(RunDirectory, "logs", $"{name}.log");
        return File.Exists(file) ? File.ReadAllText(file) : $"(no {file})";
    }

    /// <summary>The script's output and the end of every process log, for failure messages.</summary>
    public string Describe()
    {
        var description = new StringBuilder().AppendLine("--- run-distributed.sh").AppendLine(Output);
        foreach (var name in Endpoints.Append("simulators"))
        {
            var lines = Log(name).Split('\n');
            description.AppendLine(CultureInfo.InvariantCulture, $"--- {name}.log (last 40 lines)")
                .AppendLine(string.Join('\n', lines.TakeLast(40)));
        }

        return description.ToString();
    }

    /// <summary>Stops the script as Ctrl-C would (SIGTERM, so that it stops its processes), then removes the run's traces.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_script is not null)
        {
            if (!_script.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _script.Id.ToString(CultureInfo.InvariantCulture)]))
                    await kill.WaitForExitAsync();
                try
                {
                    await _script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
                }
                catch (TimeoutException)
                {
                    // The script's own stop did not finish: end it and everything it started.
                    _script.Kill(entireProcessTree: true);
                    await _script.WaitForExitAsync();
                }
            }

            _script.Dispose();
        }

        if (MailDev is not null)
            await MailDev.DisposeAsync();

        if (Environment.GetEnvironmentVariable("KEEP_TEST_SCHEMA") is null)
        {
            await TestServers.DeleteVirtualHostAsync(VirtualHost);
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
            Directory.Delete(RunDirectory, recursive: true);
        }
    }


    /// <summary>A count from the run's own database (where every endpoint has its schema).</summary>
    public async Task<long> CountAsync(string sql)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Database = _database, Pooling = false };
        await using var open = new NpgsqlConnection(connection.ConnectionString);
        await open.OpenAsync();
        await using var command = new NpgsqlCommand(sql, open);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs one statement on the run's own database and returns the rows it changed.</summary>
    public async Task<int> ExecuteInRunAsync(string sql)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Database = _database, Pooling = false };
        await using var open = new NpgsqlConnection(connection.ConnectionString);
        await open.OpenAsync();
        await using var command = new NpgsqlCommand(sql, open);
        return await command.ExecuteNonQueryAsync();
    }

    static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
