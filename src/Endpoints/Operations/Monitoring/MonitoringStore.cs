using Dapper;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Monitoring;

/// <summary>
/// <c>monitoring_samples</c>: what each endpoint instance handled per message type between two of its heartbeats, kept
/// for <see cref="MonitoringOptions.Retention"/> (30 days). Throughput, mean processing and critical time, retries and
/// failures over any range are sums over its rows.
/// </summary>
public sealed class MonitoringStore(SqlStorage storage)
{
    public static readonly SchemaMigration Samples = new("operations_0201_monitoring_samples", (s, d) => $"""
        CREATE TABLE {s.Table("monitoring_samples")} (
            endpoint text NOT NULL,
            instance text NOT NULL,
            message_type text NOT NULL,
            period_end bigint NOT NULL,
            period_ms bigint NOT NULL,
            handled bigint NOT NULL,
            failed bigint NOT NULL,
            retries bigint NOT NULL,
            processing_ms_total double precision NOT NULL,
            critical_ms_total double precision NOT NULL,
            critical_ms_max double precision NOT NULL,
            outbox_backlog bigint NOT NULL,
            PRIMARY KEY (endpoint, instance, message_type, period_end)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "monitoring_samples_time")} ON {s.Table("monitoring_samples")} (period_end);
        """);

    readonly string _samples = storage.Table("monitoring_samples");

    /// <summary>The heartbeat's samples; a heartbeat stored before (same instance and time) adds nothing.</summary>
    public async Task RecordAsync(SqlSession session, EndpointHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        foreach (var metrics in heartbeat.Metrics)
        {
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_samples} (endpoint, instance, message_type, period_end, period_ms, handled, failed, retries, processing_ms_total,
                    critical_ms_total, critical_ms_max, outbox_backlog)
                VALUES (@Endpoint, @Instance, @MessageType, @periodEnd, @periodMs, @Handled, @Failed, @Retries, @ProcessingMsTotal, @CriticalMsTotal,
                    @CriticalMsMax, @OutboxBacklog)
                ON CONFLICT (endpoint, instance, message_type, period_end) DO NOTHING
                """, new
            {
                heartbeat.Endpoint, heartbeat.Instance, metrics.MessageType, periodEnd = heartbeat.SentAt.ToUnixTimeMilliseconds(),
                periodMs = (long)heartbeat.Interval.TotalMilliseconds, metrics.Handled, metrics.Failed, metrics.Retries, metrics.ProcessingMsTotal,
                metrics.CriticalMsTotal, metrics.CriticalMsMax, heartbeat.OutboxBacklog,
            }, cancellationToken));
        }
    }

    public Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        storage.ExecuteAsync($"DELETE FROM {_samples} WHERE period_end < @cutoff",
            command => command.With("@cutoff", cutoff.ToUnixTimeMilliseconds()), cancellationToken);
}

public sealed class MonitoringOptions
{
    public const string Section = "Operations:Monitoring";

    /// <summary>How long samples are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Removes monitoring samples older than the retention, hourly.</summary>
public sealed class MonitoringCleanup(MonitoringStore store, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MonitoringCleanup> logger)
    : RetentionCleanup(time, logger, "monitoring samples", TimeSpan.FromHours(1), options.Value.Retention, store.RemoveOlderThanAsync);
