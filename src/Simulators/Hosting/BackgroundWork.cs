namespace Orchestration.Simulators.Hosting;

/// <summary>
/// What a simulator does after it has answered a request (webhook deliveries, delayed decisions, settlements).
/// Stopping the simulator cancels the work and waits for it, so nothing outlives the simulator's port.
/// </summary>
internal sealed class BackgroundWork(TimeProvider timeProvider, ILogger<BackgroundWork> logger) : IAsyncDisposable
{
    readonly CancellationTokenSource stopping = new();
    readonly Lock gate = new();
    readonly HashSet<Task> running = [];

    public void Run(Func<CancellationToken, Task> work) => RunAfter(TimeSpan.Zero, work);

    public void RunAfter(TimeSpan delay, Action work) => RunAfter(delay, _ =>
    {
        work();
        return Task.CompletedTask;
    });

    public void RunAfter(TimeSpan delay, Func<CancellationToken, Task> work)
    {
        var token = stopping.Token;
        if (token.IsCancellationRequested)
            return;

        var task = Task.Run(async () =>
        {
            try
            {
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, timeProvider, token);
                await work(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                // Nobody awaits this work: a failure here is reported in the log or not at all.
                logger.LogError(exception, "Simulator background work failed");
            }
        }, CancellationToken.None);

        lock (gate)
            running.Add(task);
        // Registered after the Add, so the Remove can never come first.
        task.ContinueWith(Forget, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    void Forget(Task task)
    {
        lock (gate)
            running.Remove(task);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Task[] remaining;
        lock (gate)
            remaining = [.. running];
        await Task.WhenAll(remaining);
        stopping.Dispose();
    }
}
