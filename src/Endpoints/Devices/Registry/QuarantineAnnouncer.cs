using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Messages.Devices;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Devices.Registry;

/// <summary>
/// Announces quarantined payloads to whoever lists them (the Gateway), up to <see cref="BatchSize"/> in one
/// <see cref="DevicePayloadsQuarantined"/>, every couple of seconds. The ingestion stays one insert per bad payload, so
/// ten thousand bad payloads cost twenty messages, not ten thousand. A batch is published through the bus outbox in the
/// transaction that marks its payloads announced, so each is announced at least once; the rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several instances share the work.
/// </summary>
public sealed class QuarantineAnnouncer(IServiceScopeFactory scopes, TimeProvider time, ILogger<QuarantineAnnouncer> logger) : BackgroundService
{
    public const int BatchSize = 500;

    static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                while (await AnnounceBatchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Quarantined payloads could not be announced this round");
            }
        }
    }

    /// <summary>Announces the oldest payloads not yet announced; returns how many.</summary>
    public async Task<int> AnnounceBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var session = services.GetRequiredService<SqlSession>();
        var registry = services.GetRequiredService<DeviceRegistry>();
        // A look without a write lock first: on SQLite a write transaction every few seconds would hold up ingestion.
        await session.BeginReadAsync(cancellationToken);
        var any = (await registry.ClaimUnannouncedAsync(session, 1, cancellationToken)).Count > 0;
        await session.RollbackAsync();
        if (!any)
            return 0;

        await session.BeginAsync(cancellationToken);
        var batch = await registry.ClaimUnannouncedAsync(session, BatchSize, cancellationToken);
        if (batch.Count > 0)
        {
            await services.GetRequiredService<BusOutbox>().Publish(new DevicePayloadsQuarantined
            {
                Payloads = [.. batch.Select(p => new QuarantinedPayloadNotice
                {
                    QuarantineId = p.QuarantineId, ReceivedAt = p.ReceivedAt, Topic = p.Topic, DeviceId = p.DeviceId,
                    ReasonKind = QuarantineReasons.KindOf(p.Reason), Reason = p.Reason, PayloadBytes = p.PayloadBytes,
                })],
            }, cancellationToken);
            await registry.MarkAnnouncedAsync(session, [.. batch.Select(p => p.QuarantineId)], time.GetUtcNow(), cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return batch.Count;
    }
}
