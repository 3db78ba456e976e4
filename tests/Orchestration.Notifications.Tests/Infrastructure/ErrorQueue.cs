namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>What arrived in the notifications error queue, with the fault headers operators see.</summary>
public sealed class ErrorQueue
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<IReadOnlyDictionary<string, string?>>> _arrived = new();

    public Task<IReadOnlyDictionary<string, string?>> ArrivalAsync(Guid leaseId) => Slot(leaseId).Task.WaitAsync(TimeSpan.FromSeconds(20));

    internal void Add(Guid leaseId, IReadOnlyDictionary<string, string?> headers) => Slot(leaseId).TrySetResult(headers);

    TaskCompletionSource<IReadOnlyDictionary<string, string?>> Slot(Guid leaseId) =>
        _arrived.GetOrAdd(leaseId, _ => new TaskCompletionSource<IReadOnlyDictionary<string, string?>>(TaskCreationOptions.RunContinuationsAsynchronously));
}
