using System.Collections.Concurrent;
using MassTransit;

namespace Orchestration.Testing;

/// <summary>
/// A consume observer for an in-process endpoint: <see cref="Expect"/> completes when the endpoint has finished the
/// message with that id on the given queue, with null when it was handled and the exception when it failed. Only that
/// queue counts, so a probe that receives the same message later (from the error queue) cannot answer for it.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentDictionary<Guid, (string Queue, TaskCompletionSource<Exception?> Done)> _waiting = new();

    public Task<Exception?> Expect(Guid messageId, string queue) => _waiting
        .GetOrAdd(messageId, _ => (queue, new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously))).Done.Task;

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Complete(context, null);

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Complete(context, exception);

    Task Complete(ConsumeContext context, Exception? exception)
    {
        if (context.MessageId is { } id && _waiting.TryGetValue(id, out var waiting)
            && context.ReceiveContext.InputAddress.AbsolutePath.EndsWith($"/{waiting.Queue}", StringComparison.Ordinal))
            waiting.Done.TrySetResult(exception);
        return Task.CompletedTask;
    }
}
