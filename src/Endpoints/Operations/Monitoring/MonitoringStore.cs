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

    /// <summary>
    /// The retries split into immediate and delayed, the messages moved to the error queue, and <c>queue_length_samples</c>:
    /// each endpoint queue's length as sampled.
    /// </summary>
    public static readonly SchemaMigration QueueLengths = new("operations_0202_queue_lengths", (s, d) => $"""
        ALTER TABLE {s.Table("monitoring_samples")} ADD COLUMN immediate_retries bigint NOT NULL DEFAULT 0;
        ALTER TABLE {s.Table("monitoring_samples")} ADD COLUMN delayed_retries bigint NOT NULL DEFAULT 0;
        ALTER TABLE {s.Table("monitoring_samples")} ADD COLUMN moved_to_error bigint NOT NULL DEFAULT 0;
        CREATE TABLE {s.Table("queue_length_samples")} (
            queue text NOT NULL,
            sampled_at bigint NOT NULL,
            endpoint text NOT NULL,
            messages bigint NOT NULL,
            PRIMARY KEY (queue, sampled_at)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "queue_length_samples_time")} ON {s.Table("queue_length_samples")} (sampled_at);
        """);

    readonly string _samples = storage.Table("monitoring_samples");
    readonly string _queueLengths = storage.Table("queue_length_samples");

    /// <summary>The heartbeat's samples; a heartbeat stored before (same instance and time) adds nothing.</summary>
    public async Task RecordAsync(SqlSession session, EndpointHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        foreach (var metrics in heartbeat.Metrics)
        {
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_samples} (endpoint, instance, message_type, period_end, period_ms, handled, failed, retries, processing_ms_total,
                    critical_ms_total, critical_ms_max, outbox_backlog, immediate_retries, delayed_retries, moved_to_error)
                VALUES (@Endpoint, @Instance, @MessageType, @periodEnd, @periodMs, @Handled, @Failed, @Retries, @ProcessingMsTotal, @CriticalMsTotal,
                    @CriticalMsMax, @OutboxBacklog, @ImmediateRetries, @DelayedRetries, @MovedToError)
                ON CONFLICT (endpoint, instance, message_type, period_end) DO NOTHING
                """, new
            {
                heartbeat.Endpoint, heartbeat.Instance, metrics.MessageType, periodEnd = heartbeat.SentAt.ToUnixTimeMilliseconds(),
                periodMs = (long)heartbeat.Interval.TotalMilliseconds, metrics.Handled, metrics.Failed, metrics.Retries, metrics.ProcessingMsTotal,
                metrics.CriticalMsTotal, metrics.CriticalMsMax, heartbeat.OutboxBacklog, metrics.ImmediateRetries, metrics.DelayedRetries,
                metrics.MovedToError,
            }, cancellationToken));
        }
    }

    /// <summary>The queue lengths of one sampling; a sampling stored before adds nothing.</summary>
    public async Task RecordAsync(QueueLengthsSampled sampled, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var sampledAt = sampled.SampledAt.ToUnixTimeMilliseconds();
        foreach (var queue in sampled.Queues)
        {
            await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO {_queueLengths} (queue, sampled_at, endpoint, messages) VALUES (@Queue, @sampledAt, @Endpoint, @Messages)
                ON CONFLICT (queue, sampled_at) DO NOTHING
                """, new { queue.Queue, sampledAt, queue.Endpoint, queue.Messages }, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Each endpoint's latest sampled queue length (its queues summed), by endpoint.</summary>
    public async Task<Dictionary<string, long>> LatestQueueLengthsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Endpoint, long Messages)>(new CommandDefinition($"""
            SELECT q.endpoint, CAST(SUM(q.messages) AS bigint) FROM {_queueLengths} q
            WHERE q.sampled_at = (SELECT MAX(l.sampled_at) FROM {_queueLengths} l WHERE l.queue = q.queue)
            GROUP BY q.endpoint
            """, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Endpoint, r => r.Messages, StringComparer.Ordinal);
    }

    /// <summary>Each endpoint's longest critical time (ms) in samples since <paramref name="since"/>.</summary>
    public async Task<Dictionary<string, double>> CriticalTimeMaxAsync(SqlSession session, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<(string Endpoint, double Value)>(session.Command(
            $"SELECT endpoint, MAX(critical_ms_max) FROM {_samples} WHERE period_end >= @since GROUP BY endpoint",
            new { since = since.ToUnixTimeMilliseconds() }, cancellationToken))).ToDictionary(r => r.Endpoint, r => r.Value, StringComparer.Ordinal);

    /// <summary>How many messages each endpoint moved to its error queue in samples since <paramref name="since"/>.</summary>
    public async Task<Dictionary<string, double>> MovedToErrorAsync(SqlSession session, DateTimeOffset since, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<(string Endpoint, long Value)>(session.Command(
            $"SELECT endpoint, CAST(SUM(moved_to_error) AS bigint) FROM {_samples} WHERE period_end >= @since GROUP BY endpoint",
            new { since = since.ToUnixTimeMilliseconds() }, cancellationToken))).ToDictionary(r => r.Endpoint, r => (double)r.Value, StringComparer.Ordinal);

    public async Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await storage.ExecuteAsync($"DELETE FROM {_samples} WHERE period_end < @cutoff",
            command => command.With("@cutoff", cutoff.ToUnixTimeMilliseconds()), cancellationToken)
        + await storage.ExecuteAsync($"DELETE FROM {_queueLengths} WHERE sampled_at < @cutoff",
            command => command.With("@cutoff", cutoff.ToUnixTimeMilliseconds()), cancellationToken);
}

public sealed class MonitoringOptions
{
    public const string Section = "Operations:Monitoring";

    /// <summary>How long samples are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the endpoint queues' lengths are sampled.</summary>
    public TimeSpan QueueLengthInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>RabbitMQ's management API, from which queue lengths are read (with the bus's credentials and virtual host).</summary>
    public string ManagementUrl { get; set; } = "http://127.0.0.1:15672";
}

/// <summary>Removes monitoring samples older than the retention, hourly.</summary>
public sealed class MonitoringCleanup(MonitoringStore store, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MonitoringCleanup> logger)
    : RetentionCleanup(time, logger, "monitoring samples", TimeSpan.FromHours(1), options.Value.Retention, store.RemoveOlderThanAsync);
