namespace Orchestration.FaultTests;

/// <summary>
/// A fault scenario: a <see cref="ChainRun"/> of its own for each fact, and the one course every scenario takes with
/// it, from starting the chains to the exactly-once checks; the scenarios differ only in the fault.
/// </summary>
public abstract class MidRunFault(string name, bool schedulerApart = false) : IAsyncLifetime
{
    protected ChainRun Run { get; private set; } = null!;

    public async Task InitializeAsync() => Run = await ChainRun.StartAsync(name, schedulerApart);

    public async Task DisposeAsync() => await Run.DisposeAsync();

    // Every chain has a deadline timeout; the deadlines are spread over a window (by default 6 to 24 seconds from the
    // start: a thousand of them, 55 a second) and the fault starts once a quarter of the steps are done (or half the
    // deadlines are due, on a machine that runs the chains slowly) and the deadlines have begun to fall due, so that some
    // fall due while it lasts.
    protected async Task ShouldCompleteExactlyOnceDespiteAsync(Func<Task> fault, int chains = 1000, TimeSpan? deadlinesFrom = null,
        TimeSpan? deadlinesTo = null)
    {
        await Run.StartChainsAsync(count: chains, steps: 3, deadlinesFrom ?? TimeSpan.FromSeconds(6), deadlinesTo ?? TimeSpan.FromSeconds(24));
        await Run.InFlightAsync(0.25);
        await Run.DeadlinesFallingDueAsync();

        await Run.FaultAsync(fault);

        await Run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}
