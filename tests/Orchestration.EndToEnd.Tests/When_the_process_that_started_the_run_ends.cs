namespace Orchestration.EndToEnd.Tests;

/// <summary>
/// The process that started the script ends without stopping it (a test host killed by a hang timeout, a crashed
/// supervisor): with ORCHESTRATION_STOP_WITH_PID the script notices and stops everything, so nothing is left running.
/// </summary>
public sealed class When_the_process_that_started_the_run_ends
{
    [Fact]
    public async Task Should_stop_every_process_of_the_run()
    {
        using var owner = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        await using var run = await DistributedRun.CreateAsync(withMailDev: false);
        run.Start(new Dictionary<string, string> { ["ORCHESTRATION_STOP_WITH_PID"] = owner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await run.WaitUntilReadyAsync(TimeSpan.FromMinutes(4));
        run.Ports.Values.ShouldContain(port => DistributedRun.Listening(port));

        owner.Kill();
        var exitCode = await run.ExitCodeAsync(TimeSpan.FromSeconds(60));

        run.Output.ShouldContain($"process {owner.Id} has ended; stopping");
        exitCode.ShouldBe(0, run.Output);
        foreach (var (name, port) in run.Ports)
            DistributedRun.Listening(port).ShouldBeFalse($"{name} still listens on {port} after the script ended:\n{run.Output}");
    }
}
