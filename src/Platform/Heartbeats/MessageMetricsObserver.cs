using System.Collections.Concurrent;
using MassTransit;
using Orchestration.Messages.Operations;

namespace Orchestration.Platform.Heartbeats;

/// <summary>
/// Counts what the endpoint's consumers handle, per message type, between two heartbeats: attempts that completed or
/// failed, retries (a redelivery or a retry attempt), processing time and critical time (from the message's sent time
/// to the end of its handling). <see cref="Drain"/> hands the counts over and starts afresh.
/// </summary>
public sealed class MessageMetricsObserver(TimeProvider clock) : IConsumeObserver
{
    ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        Record(context, failed: false);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        Record(context, failed: true);
        return Task.CompletedTask;
    }

    /// <summary>The counts since the last call, per message type.</summary>
    public IReadOnlyList<MessageTypeMetrics> Drain()
    {
        var counts = Interlocked.Exchange(ref _counts, new ConcurrentDictionary<string, Counts>(StringComparer.Ordinal));
        return counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.ToMetrics(c.Key)).ToList();
    }

    void Record<T>(ConsumeContext<T> context, bool failed)
        where T : class
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var processing = context.ReceiveContext.ElapsedTime.TotalMilliseconds;
        var critical = context.SentTime is { } sent ? Math.Max(0, (now - sent).TotalMilliseconds) : processing;
        var retry = context.GetRetryAttempt() > 0 || context.ReceiveContext.Redelivered || context.GetRedeliveryCount() > 0;
        _counts.GetOrAdd(typeof(T).Name, _ => new Counts()).Add(failed, retry, processing, critical);
    }

    sealed class Counts
    {
        readonly Lock _lock = new();
        long _handled;
        long _failed;
        long _retries;
        double _processing;
        double _critical;
        double _criticalMax;

        public void Add(bool failed, bool retry, double processing, double critical)
        {
            lock (_lock)
            {
                _handled += failed ? 0 : 1;
                _failed += failed ? 1 : 0;
                _retries += retry ? 1 : 0;
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
                    Retries = _retries,
                    ProcessingMsTotal = Math.Round(_processing, 1),
                    CriticalMsTotal = Math.Round(_critical, 1),
                    CriticalMsMax = Math.Round(_criticalMax, 1),
                };
            }
        }
    }
}
