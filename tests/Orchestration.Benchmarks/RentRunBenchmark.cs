using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Orchestration.Messages;
using Orchestration.Messages.Leasing;

namespace Orchestration.Benchmarks;

/// <summary>
/// The rent-run scenario (<c>scripts/bench.sh rent</c>): the platform as <c>scripts/run-distributed.sh</c> runs it, on a
/// database and virtual host of its own; <see cref="Leases"/> leases on autopay made known to Billing as the
/// lease-signing saga announces them (<see cref="LeaseActivated"/>); then one <c>POST /api/rent-runs</c> and the time
/// until every charge is posted, every charge is paid (the run's progress) and every receipt has been accepted by the
/// mail provider (Notifications' deliveries).
/// </summary>
public sealed class RentRunBenchmark(Servers servers, int leases, TimeSpan timeout)
{
    static readonly string[] Processes =
        ["gateway", "operations", "notifications", "leasing", "billing", "devices", "maintenance", "payments", "esignature", "screening", "mail", "vendors"];

    public int Leases => leases;

    public async Task<int> RunAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var database = $"bench_rent_{servers.RunId}";
        var runDirectory = Directory.CreateTempSubdirectory("orchestration-bench-rent-").FullName;
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var ports = Processes.ToDictionary(name => name, _ => FreePort());
        await servers.ExecuteAsync($"CREATE DATABASE \"{database}\"", cancellationToken);
        await servers.CreateVirtualHostAsync(cancellationToken);
        using var script = Start(database, runDirectory, password, ports);
        try
        {
            log($"starting the platform (scripts/run-distributed.sh, logs in {runDirectory}/logs)");
            await ReadyAsync(script, cancellationToken);

            log($"activating {leases} leases on autopay");
            await ActivateAsync(database, cancellationToken);

            using var gateway = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{ports["gateway"]}"),
                Timeout = TimeSpan.FromSeconds(30),
            };
            gateway.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
            (await gateway.PostAsJsonAsync("/api/auth/login", new { email = "admin@bench.example.com", password }, cancellationToken)).EnsureSuccessStatusCode();

            var today = DateTime.UtcNow;
            var period = new DateOnly(today.Year, today.Month, 1).AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            var started = await gateway.PostAsJsonAsync("/api/rent-runs", new { period }, cancellationToken);
            started.EnsureSuccessStatusCode();
            var runId = (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("rentRunId").GetGuid();
            log($"rent run {runId} for {period} started");

            TimeSpan? posted = null, paid = null, receipted = null;
            while (receipted is null || paid is null)
            {
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"After {timeout.TotalSeconds} s: posted {Seconds(posted)}, paid {Seconds(paid)}, receipts {Seconds(receipted)}.");
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);

                var progress = await gateway.GetAsync($"/api/rent-runs/{runId}", cancellationToken);
                if (progress.StatusCode == HttpStatusCode.OK)
                {
                    var run = await progress.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    if (posted is null && run.TryGetProperty("posted", out var count) && count.ValueKind == JsonValueKind.Number && count.GetInt32() >= leases)
                        posted = clock.Elapsed;
                    if (paid is null && run.GetProperty("charges").TryGetProperty("Paid", out var charges) && charges.GetInt64() >= leases)
                        paid = clock.Elapsed;
                }

                if (receipted is null && await ReceiptsAsync(database, cancellationToken) >= leases)
                    receipted = clock.Elapsed;
            }

            Console.WriteLine($"""
                Rent run of {leases} leases on autopay, every endpoint a process of its own (scripts/run-distributed.sh), {Environment.ProcessorCount} cores
                  every charge posted   {Seconds(posted)} s
                  every charge paid     {Seconds(paid)} s   ({leases / paid!.Value.TotalSeconds:F0} charges/s)
                  every receipt sent    {Seconds(receipted)} s   ({leases / receipted!.Value.TotalSeconds:F0} receipts/s)
                """);
            return 0;
        }
        finally
        {
            await StopAsync(script);
            await servers.DeleteVirtualHostAsync();
            await servers.ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
            Directory.Delete(runDirectory, recursive: true);
        }
    }

    static string Seconds(TimeSpan? at) => at?.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    Process Start(string database, string runDirectory, string password, Dictionary<string, int> ports)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(root, "scripts", "run-distributed.sh") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = servers.PgHost,
            ["PGPORT"] = servers.PgPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = servers.PgUser,
            ["PGPASSWORD"] = servers.PgPassword,
            ["PGDATABASE"] = database,
            ["RABBITMQ_HOST"] = servers.RabbitHost,
            ["RABBITMQ_PORT"] = servers.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_USER"] = servers.RabbitUser,
            ["RABBITMQ_PASS"] = servers.RabbitPassword,
            ["RABBITMQ_MANAGEMENT_PORT"] = servers.RabbitManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_VHOST"] = servers.VirtualHost,
            ["CONFIGURATION"] = "Release",
            ["ORCHESTRATION_RUN_DIR"] = runDirectory,
            ["ORCHESTRATION_ADMIN_EMAIL"] = "admin@bench.example.com",
            ["ORCHESTRATION_ADMIN_PASSWORD"] = password,
            ["ORCHESTRATION_READY_TIMEOUT"] = "300",
            ["ORCHESTRATION_STOP_WITH_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A rent run of thousands of autopay leases brings as many payment webhooks within a minute or two: the
            // Gateway's default budget of 6,000 a minute would hold a run of 10,000 leases back by the budget, not the platform.
            ["Gateway__Webhooks__RateLimit__PermitLimit"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, port) in ports)
            environment[$"ORCHESTRATION_{name.ToUpperInvariant()}_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("MAILDEV");
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
    }

    static async Task ReadyAsync(Process script, CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        script.OutputDataReceived += (_, line) =>
        {
            lock (output)
                output.AppendLine(line.Data);
            if (line.Data == "Ready.")
                ready.TrySetResult();
        };
        script.ErrorDataReceived += (_, line) =>
        {
            lock (output)
                output.AppendLine(line.Data);
        };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        var exited = script.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(10), cancellationToken)) != ready.Task)
        {
            lock (output)
                throw new InvalidOperationException($"run-distributed.sh did not get ready:\n{output}");
        }
    }

    async Task ActivateAsync(string database, CancellationToken cancellationToken)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(servers.RabbitHost, servers.RabbitPort, servers.VirtualHost, h =>
        {
            h.Username(servers.RabbitUser);
            h.Password(servers.RabbitPassword);
        }));
        await bus.StartAsync(cancellationToken);
        try
        {
            var queue = await bus.GetSendEndpoint(new Uri("queue:billing-leases"));
            var today = DateTime.UtcNow;
            var month = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
            // Whole dollars: every autopay succeeds at the payment simulator.
            await Parallel.ForAsync(0, leases, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (n, ct) =>
                await queue.Send(new LeaseActivated
                {
                    LeaseId = Guid.NewGuid(), PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(), TenantId = Guid.NewGuid(),
                    MonthlyRent = new Money(900m + n % 40 * 25m, "USD"), SecurityDeposit = new Money(1000m, "USD"), LeaseStart = month,
                    LeaseEnd = month.AddYears(1).AddDays(-1), ActivatedAt = DateTimeOffset.UtcNow,
                    TenantName = $"Tenant {n}", TenantEmail = $"tenant{n}@bench.example.com",
                }, ct));
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        while (await CountAsync(database, "SELECT COUNT(*) FROM billing.billing_leases", cancellationToken) < leases)
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
    }

    /// <summary>Rent receipts the mail provider has accepted (Notifications' deliveries, keyed by the saga's deduplication key).</summary>
    Task<long> ReceiptsAsync(string database, CancellationToken cancellationToken) =>
        CountAsync(database, "SELECT COUNT(*) FROM notifications.deliveries WHERE deduplication_key LIKE 'rent-%-receipt-%'", cancellationToken);

    async Task<long> CountAsync(string database, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(servers.PostgresConnectionString()) { Database = database, Pooling = false };
        await using var open = new NpgsqlConnection(connection.ConnectionString);
        await open.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, open);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    static async Task StopAsync(Process script)
    {
        if (script.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        try
        {
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            script.Kill(entireProcessTree: true);
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestration.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"No Orchestration.sln above {AppContext.BaseDirectory}.");
    }
}
