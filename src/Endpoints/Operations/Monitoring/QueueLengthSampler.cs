using MassTransit;
using Microsoft.Extensions.Hosting;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Monitoring;

/// <summary>
/// Every <see cref="MonitoringOptions.QueueLengthInterval"/>, reads the length of each queue a live endpoint instance
/// consumes from, stores it with the monitoring samples and publishes it for the read models. A queue no heartbeat names
/// is no endpoint's and is not sampled. The store is the record: a publish that does not get through within the interval
/// (an in-memory bus whose consumer slots are all busy) is given up, and sampling goes on.
/// </summary>
public sealed class QueueLengthSampler(IQueueLengths lengths, EndpointInstanceStore instances, MonitoringStore monitoring, IBus bus,
    IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<QueueLengthSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not sample the queue lengths");
            }

            await Task.Delay(options.Value.QueueLengthInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Samples once; returns what it stored.</summary>
    public async Task<QueueLengthsSampled?> SampleAsync(CancellationToken cancellationToken)
    {
        var owners = await instances.LiveQueuesAsync(cancellationToken);
        if (owners.Count == 0)
            return null;

        var current = await lengths.ReadAsync(cancellationToken);
        var sampled = new QueueLengthsSampled
        {
            SampledAt = clock.GetUtcNow(),
            Queues = [.. owners.OrderBy(o => o.Key, StringComparer.Ordinal)
                .Select(o => new QueueLengthSample { Endpoint = o.Value, Queue = o.Key, Messages = current.GetValueOrDefault(o.Key) })],
        };
        await monitoring.RecordAsync(sampled, cancellationToken);
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishing.CancelAfter(options.Value.QueueLengthInterval);
        try
        {
            await bus.Publish(sampled, publishing.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The queue lengths sampled at {SampledAt} were stored but not published within {Interval}", sampled.SampledAt,
                options.Value.QueueLengthInterval);
        }

        return sampled;
    }
}
