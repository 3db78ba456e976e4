namespace Orchestration.FaultTests;

/// <summary>Stops and starts the real servers the way an outage or an operator would.</summary>
public static class ServerControl
{
    // Overridable when the servers are not local (scripts/test.sh honours existing servers).
    static string RabbitRestart => Environment.GetEnvironmentVariable("FAULT_RESTART_RABBITMQ")
        ?? "rabbitmqctl -q stop_app && sleep 3 && rabbitmqctl -q start_app && rabbitmqctl -q await_startup";

    static string PostgresRestart => Environment.GetEnvironmentVariable("FAULT_RESTART_POSTGRES")
        ?? "pg_ctlcluster 15 main stop -m fast && sleep 3 && pg_ctlcluster 15 main start";

    public static Task RestartRabbitMqAsync() => RunAsync(RabbitRestart);

    public static async Task RestartPostgresAsync()
    {
        await RunAsync(PostgresRestart);
        Npgsql.NpgsqlConnection.ClearAllPools(); // the test's own pooled connections died with the server
    }

    static async Task RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, $"'{command}' failed: {await error}");
    }
}
