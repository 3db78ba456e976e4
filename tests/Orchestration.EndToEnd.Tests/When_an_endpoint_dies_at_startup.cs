namespace Orchestration.EndToEnd.Tests;

/// <summary>An endpoint that cannot start (its port is taken): the script says which, stops the others and fails.</summary>
public sealed class When_an_endpoint_dies_at_startup
{
    [Fact]
    public async Task Should_stop_every_other_process_and_exit_with_an_error()
    {
        await using var run = await DistributedRun.CreateAsync(withMailDev: false);
        using var squatter = new TcpListener(IPAddress.Loopback, run.Ports["leasing"]);
        squatter.Start();

        run.Start();
        var exitCode = await run.ExitCodeAsync(TimeSpan.FromMinutes(4));

        exitCode.ShouldNotBe(0, run.Output);
        run.Output.ShouldContain("leasing exited during start-up");
        run.Output.ShouldNotContain("Ready.");
        foreach (var (name, port) in run.Ports.Where(p => p.Key != "leasing"))
            DistributedRun.Listening(port).ShouldBeFalse($"{name} still listens on {port} after the script ended:\n{run.Output}");
    }
}
