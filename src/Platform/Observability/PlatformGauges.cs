using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Observability;

/// <summary>What the platform's tables held when they were last read.</summary>
public sealed record PlatformSnapshot(
    long OutboxBacklog, long ParkedBusOutbox, long ParkedInbox, long ParkedScheduled, long ScheduledDue, long ScheduledLate, long InboxSize,
    DateTimeOffset? ReadAt)
{
    public static readonly PlatformSnapshot None = new(0, 0, 0, 0, 0, 0, 0, null);

    public long Parked => ParkedBusOutbox + ParkedInbox + ParkedScheduled;
}

/// <summary>
/// Reads the platform's tables every <see cref="ObservabilityOptions.GaugeInterval"/>: a scrape of <c>/metrics</c> or a
/// heartbeat then reports the last reading instead of querying the database each time it is asked.
/// </summary>
public sealed class PlatformGauges(SqlStorage storage, TimeProvider clock, IOptions<ObservabilityOptions> options, IMeterFactory meters,
    ILogger<PlatformGauges> logger) : BackgroundService
{
    Meter? _meter;

    public PlatformSnapshot Current { get; private set; } = PlatformSnapshot.None;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _meter = PlatformMeter.ObserveGauges(meters, this);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Current = await ReadAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The storage check reports an unreachable database; the gauges keep their last reading.
                logger.LogWarning(exception, "Could not read the platform gauges");
            }

            await Task.Delay(options.Value.GaugeInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _meter?.Dispose();
        base.Dispose();
    }

    /// <summary>One reading of every gauge, in one statement.</summary>
    public async Task<PlatformSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var lateMs = nowMs - (long)options.Value.SchedulerLateAfter.TotalMilliseconds;
        var outboxState = storage.Table("outbox_state");
        var outboxMessage = storage.Table("outbox_message");
        var inbox = storage.Table("inbox_state");
        var scheduled = storage.Table("scheduled_message");
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM {outboxMessage}),
                   (SELECT COUNT(*) FROM {outboxState} WHERE parked_at IS NOT NULL),
                   (SELECT COUNT(*) FROM {inbox} WHERE parked_at IS NOT NULL AND delivered IS NULL),
                   (SELECT COUNT(*) FROM {scheduled} WHERE closed_at IS NULL AND parked_at IS NOT NULL),
                   (SELECT COUNT(*) FROM {scheduled} WHERE closed_at IS NULL AND parked_at IS NULL AND due_at <= {nowMs}),
                   (SELECT COUNT(*) FROM {scheduled} WHERE closed_at IS NULL AND parked_at IS NULL AND due_at <= {lateMs}),
                   (SELECT COUNT(*) FROM {inbox})
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        long At(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        return new PlatformSnapshot(At(0), At(1), At(2), At(3), At(4), At(5), At(6), now);
    }
}
