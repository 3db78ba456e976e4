using System.Collections.Concurrent;
using MassTransit;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Platform.Heartbeats;

/// <summary>
/// Counts what the endpoint's consumers handle, per message type, between two heartbeats: attempts that completed or
/// failed, retries (a redelivery or a retry attempt), processing time and critical time (from the message's sent time
/// to the end of its handling). A retry is immediate on the first delivery and delayed on a redelivery, as the
/// recoverability policy makes them; a failure with no retry left under that policy is a message moved to the error
/// queue. <see cref="Drain"/> hands the counts over and starts afresh.
/// </summary>
public sealed class MessageMetricsObserver(TimeProvider clock, IOptions<RecoverabilityOptions> recoverability,
    IOptions<UnrecoverableExceptions> unrecoverable) : IConsumeObserver
{
    readonly int _immediateRetries = recoverability.Value.ImmediateRetries;
    readonly int _delayedRetries = recoverability.Value.DelayedRetryIntervals().Length;

    ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        Record(context, failed: false, movedToError: false);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        Record(context, failed: true, movedToError: LastAttempt(context, exception));
        return Task.CompletedTask;
    }

    /// <summary>The counts since the last call, per message type.</summary>
    public IReadOnlyList<MessageTypeMetrics> Drain()
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<string, Counts>(StringComparer.Ordinal));
        return counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.ToMetrics(c.Key)).ToList();
    }

    bool LastAttempt(ConsumeContext context, Exception exception)
    {
        if (unrecoverable.Value.Matches(exception))
            return true;
        var redeliveries = context.GetRedeliveryCount();
        return redeliveries >= _delayedRetries && (redeliveries > 0 || context.GetRetryAttempt() >= _immediateRetries);
    }

    void Record<T>(ConsumeContext<T> context, bool failed, bool movedToError)
        where T : class
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var processing = context.ReceiveContext.ElapsedTime.TotalMilliseconds;
        var critical = context.SentTime is { } sent ? Math.Max(0, (now - sent).TotalMilliseconds) : processing;
        var delayed = context.GetRedeliveryCount() > 0;
        var immediate = !delayed && context.GetRetryAttempt() > 0;
        _counts.GetOrAdd(typeof(T).Name, _ => new Counts()).Add(failed, immediate, delayed, movedToError, processing, critical);
    }

    sealed class Counts
    {
        readonly Lock _lock = new();
        long _handled;
        long _failed;
        long _immediateRetries;
        long _delayedRetries;
        long _movedToError;
        double _processing;
        double _critical;
        double _criticalMax;

        public void Add(bool failed, bool immediate, bool delayed, bool movedToError, double processing, double critical)
        {
            lock (_lock)
            {
                _handled += failed ? 0 : 1;
                _failed += failed ? 1 : 0;
                _immediateRetries += immediate ? 1 : 0;
                _delayedRetries += delayed ? 1 : 0;
                _movedToError += movedToError ? 1 : 0;
                _processing += processing;
                _critical += critical;
                _criticalMax = Math.Max(_criticalMax, critical);
            }
        }

        public MessageTypeMetrics ToMetrics(string messageType)
        {
            lock (_lock)
            {
                return new MessageTypeMetrics
                {
                    MessageType = messageType,
                    Handled = _handled,
                    Failed = _failed,
                    Retries = _immediateRetries + _delayedRetries,
                    ImmediateRetries = _immediateRetries,
                    DelayedRetries = _delayedRetries,
                    MovedToError = _movedToError,
                    ProcessingMsTotal = Math.Round(_processing, 1),
                    CriticalMsTotal = Math.Round(_critical, 1),
                    CriticalMsMax = Math.Round(_criticalMax, 1),
                };
            }
        }
    }
}
