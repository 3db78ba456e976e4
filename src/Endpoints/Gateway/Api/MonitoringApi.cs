using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>/api/operations/monitoring</c>: per endpoint, its queue length, throughput, processing and critical time, immediate
/// and delayed retries and messages moved to error, now and over a window; per endpoint, their history over up to
/// <see cref="MaxRange"/>. Read by any staff member from the Gateway's projection of Operations' samples, so it answers
/// while Operations is down, with what was last sampled.
/// </summary>
static class MonitoringApi
{
    /// <summary>The longest range one request covers, and how long the samples are kept.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(30);

    /// <summary>The window of the overview when none is asked for, and the window "latest" covers.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LatestWindow = TimeSpan.FromMinutes(1);

    /// <summary>The most points one history answers with; wider ranges have wider points.</summary>
    public const int MaxPoints = 120;

    public static void Map(RouteGroupBuilder api)
    {
        var monitoring = api.MapGroup("/operations/monitoring").WithTags("Operations").RequireAuthorization(GatewayPolicies.Staff);
        monitoring.MapGet("", OverviewAsync).WithName("GetMonitoring")
            .WithSummary("Per endpoint: queue length, throughput, processing and critical time, retries and messages moved to error, over the last minute (latest) and from/to (default the last 5 minutes).")
            .ProducesValidationProblem();
        monitoring.MapGet("/{endpoint}", HistoryAsync).WithName("GetEndpointMonitoringHistory")
            .WithSummary($"An endpoint's monitoring history from/to (at most {MaxRange.TotalDays:0} days; default the last hour), in at most {MaxPoints} points, for one messageType or all.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public sealed record Stats(long Handled, long Failed, double ThroughputPerSecond, double? ProcessingMsAvg, double? CriticalMsAvg,
        double? CriticalMsMax, long ImmediateRetries, long DelayedRetries, long MovedToError);

    public sealed record EndpointMonitoring(string Endpoint, long? QueueLength, DateTimeOffset? QueueLengthSampledAt, Stats Latest, Stats Window);

    public sealed record MonitoringOverview(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<EndpointMonitoring> Endpoints);

    public sealed record HistoryPoint(DateTimeOffset At, Stats Stats, long? QueueLength);

    public sealed record MessageTypeStats(string MessageType, Stats Stats);

    public sealed record EndpointHistory(string Endpoint, string? MessageType, DateTimeOffset From, DateTimeOffset To, TimeSpan PointWidth,
        IReadOnlyList<HistoryPoint> Points, IReadOnlyList<MessageTypeStats> MessageTypes);

    static (DateTimeOffset From, DateTimeOffset To)? Range(Dictionary<string, string[]> errors, DateTimeOffset? from, DateTimeOffset? to,
        TimeSpan defaultWindow, DateTimeOffset now)
    {
        // Samples are kept for 30 days: a time centuries away is a mistake, and near the calendar's ends it would overflow.
        foreach (var (field, value) in new[] { ("from", from), ("to", to) })
        {
            if (value is { } time && (time.Year < 2000 || time.Year > 9000))
                errors[field] = [$"The {field} is a time (ISO 8601) between the years 2000 and 9000."];
        }

        if (errors.Count > 0)
            return null;
        var end = to ?? now;
        var start = from ?? end - defaultWindow;
        if (start >= end)
            errors["to"] = ["to is after from."];
        else if (end - start > MaxRange)
            errors["from"] = [$"A range covers at most {MaxRange.TotalDays:0} days; the samples are kept that long."];
        return errors.Count > 0 ? null : (start, end);
    }

    static async Task<Results<Ok<MonitoringOverview>, ValidationProblem>> OverviewAsync(DateTimeOffset? from, DateTimeOffset? to, SqlSession session,
        MonitoringReadModel model, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var now = time.GetUtcNow();
        if (Range(errors, from, to, DefaultWindow, now) is not { } range)
            return TypedResults.ValidationProblem(errors);

        return TypedResults.Ok(await session.ReadAsync(async () =>
        {
            var window = await model.TotalsAsync(session, range.From, range.To, cancellationToken);
            var latest = await model.TotalsAsync(session, now - LatestWindow, now, cancellationToken);
            var queues = await model.LatestQueueLengthsAsync(session, cancellationToken);
            var endpoints = window.Keys.Concat(latest.Keys).Concat(queues.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new MonitoringOverview(range.From, range.To, [.. endpoints.Select(endpoint => new EndpointMonitoring(endpoint,
                queues.TryGetValue(endpoint, out var queue) ? queue.Messages : null, queue?.SampledAt,
                MonitoringReadModel.Totals.StatsOf(latest.GetValueOrDefault(endpoint), LatestWindow),
                MonitoringReadModel.Totals.StatsOf(window.GetValueOrDefault(endpoint), range.To - range.From)))]);
        }, cancellationToken));
    }

    static async Task<Results<Ok<EndpointHistory>, ValidationProblem, ProblemHttpResult>> HistoryAsync(string endpoint, DateTimeOffset? from,
        DateTimeOffset? to, string? messageType, SqlSession session, MonitoringReadModel model, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "endpoint", endpoint, 200, "An endpoint");
        FieldRules.Text(errors, "messageType", messageType, 500, "A message type", required: false);
        if (Range(errors, from, to, TimeSpan.FromHours(1), time.GetUtcNow()) is not { } range || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var type = string.IsNullOrWhiteSpace(messageType) ? null : messageType.Trim();

        var width = TimeSpan.FromMilliseconds(Math.Max(10_000, Math.Ceiling((range.To - range.From).TotalMilliseconds / MaxPoints)));
        var history = await session.ReadAsync(async () =>
        {
            if (!await model.KnowsAsync(session, endpoint, cancellationToken))
                return null;
            var points = await model.HistoryAsync(session, endpoint, type, range.From, range.To, width, cancellationToken);
            var types = await model.MessageTypesAsync(session, endpoint, range.From, range.To, cancellationToken);
            return new EndpointHistory(endpoint, type, range.From, range.To, width, points,
                [.. types.Select(t => new MessageTypeStats(t.Key, MonitoringReadModel.Totals.StatsOf(t.Value, range.To - range.From)))]);
        }, cancellationToken);
        if (history is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Endpoint not found",
                detail: $"No monitoring sample of endpoint '{endpoint}' is known.");
        }

        return TypedResults.Ok(history);
    }
}

/// <summary>
/// The Gateway's copy of Operations' monitoring samples: what each instance handled per message type between two
/// heartbeats, and each endpoint queue's sampled length. A repeated sample changes nothing; samples older than
/// <see cref="MonitoringApi.MaxRange"/> are removed.
/// </summary>
public sealed class MonitoringReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_0302_monitoring", (s, d) => $"""
        CREATE TABLE {s.Table("monitoring_view")} (
            endpoint text NOT NULL,
            instance text NOT NULL,
            message_type text NOT NULL,
            period_end bigint NOT NULL,
            handled bigint NOT NULL,
            failed bigint NOT NULL,
            immediate_retries bigint NOT NULL,
            delayed_retries bigint NOT NULL,
            moved_to_error bigint NOT NULL,
            processing_ms_total double precision NOT NULL,
            critical_ms_total double precision NOT NULL,
            critical_ms_max double precision NOT NULL,
            PRIMARY KEY (endpoint, instance, message_type, period_end)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "monitoring_view_time")} ON {s.Table("monitoring_view")} (endpoint, period_end);
        CREATE TABLE {s.Table("queue_length_view")} (
            queue text NOT NULL,
            sampled_at bigint NOT NULL,
            endpoint text NOT NULL,
            messages bigint NOT NULL,
            PRIMARY KEY (queue, sampled_at)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "queue_length_view_endpoint")} ON {s.Table("queue_length_view")} (endpoint, sampled_at);
        """);

    const string Sums = """
        COALESCE(CAST(SUM(handled) AS bigint), 0) AS Handled, COALESCE(CAST(SUM(failed) AS bigint), 0) AS Failed,
        COALESCE(CAST(SUM(immediate_retries) AS bigint), 0) AS ImmediateRetries, COALESCE(CAST(SUM(delayed_retries) AS bigint), 0) AS DelayedRetries,
        COALESCE(CAST(SUM(moved_to_error) AS bigint), 0) AS MovedToError, COALESCE(SUM(processing_ms_total), 0) AS ProcessingMsTotal,
        COALESCE(SUM(critical_ms_total), 0) AS CriticalMsTotal, MAX(critical_ms_max) AS CriticalMsMax
        """;

    readonly string _samples = storage.Table("monitoring_view");
    readonly string _queues = storage.Table("queue_length_view");

    public async Task ApplyAsync(SqlSession session, EndpointMetricsSampled sampled, CancellationToken cancellationToken)
    {
        foreach (var m in sampled.Metrics)
        {
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_samples} (endpoint, instance, message_type, period_end, handled, failed, immediate_retries, delayed_retries, moved_to_error,
                    processing_ms_total, critical_ms_total, critical_ms_max)
                VALUES (@Endpoint, @Instance, @MessageType, @periodEnd, @Handled, @Failed, @ImmediateRetries, @DelayedRetries, @MovedToError,
                    @ProcessingMsTotal, @CriticalMsTotal, @CriticalMsMax)
                ON CONFLICT (endpoint, instance, message_type, period_end) DO NOTHING
                """, new
            {
                sampled.Endpoint, sampled.Instance, m.MessageType, periodEnd = sampled.PeriodEnd.ToUnixTimeMilliseconds(), m.Handled, m.Failed,
                m.ImmediateRetries, m.DelayedRetries, m.MovedToError, m.ProcessingMsTotal, m.CriticalMsTotal, m.CriticalMsMax,
            }, cancellationToken));
        }
    }

    public async Task ApplyAsync(SqlSession session, QueueLengthsSampled sampled, CancellationToken cancellationToken)
    {
        foreach (var q in sampled.Queues)
        {
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_queues} (queue, sampled_at, endpoint, messages) VALUES (@Queue, @sampledAt, @Endpoint, @Messages)
                ON CONFLICT (queue, sampled_at) DO NOTHING
                """, new { q.Queue, sampledAt = sampled.SampledAt.ToUnixTimeMilliseconds(), q.Endpoint, q.Messages }, cancellationToken));
        }
    }

    /// <summary>Each endpoint's totals over [from, to), by endpoint.</summary>
    public async Task<Dictionary<string, Totals>> TotalsAsync(SqlSession session, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<Totals>(session.Command($"""
            SELECT endpoint AS "Key", {Sums} FROM {_samples} WHERE period_end >= @from AND period_end < @to GROUP BY endpoint
            """, new { from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() }, cancellationToken)))
        .ToDictionary(t => t.Key, StringComparer.Ordinal);

    /// <summary>One endpoint's totals over [from, to) per message type.</summary>
    public async Task<Dictionary<string, Totals>> MessageTypesAsync(SqlSession session, string endpoint, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<Totals>(session.Command($"""
            SELECT message_type AS "Key", {Sums} FROM {_samples}
            WHERE endpoint = @endpoint AND period_end >= @from AND period_end < @to GROUP BY message_type ORDER BY message_type
            """, new { endpoint, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() }, cancellationToken)))
        .ToDictionary(t => t.Key, StringComparer.Ordinal);

    /// <summary>Each endpoint's latest sampled queue length: its queues' latest lengths summed, and when the newest was taken.</summary>
    public async Task<Dictionary<string, QueueLength>> LatestQueueLengthsAsync(SqlSession session, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<QueueLength>(session.Command($"""
            SELECT q.endpoint AS Endpoint, CAST(SUM(q.messages) AS bigint) AS Messages, MAX(q.sampled_at) AS SampledAtMs FROM {_queues} q
            WHERE q.sampled_at = (SELECT MAX(l.sampled_at) FROM {_queues} l WHERE l.queue = q.queue)
            GROUP BY q.endpoint
            """, null, cancellationToken))).ToDictionary(q => q.Endpoint, StringComparer.Ordinal);

    public async Task<bool> KnowsAsync(SqlSession session, string endpoint, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command($"""
            SELECT (SELECT COUNT(*) FROM (SELECT 1 AS x FROM {_samples} WHERE endpoint = @endpoint LIMIT 1) s)
                 + (SELECT COUNT(*) FROM (SELECT 1 AS x FROM {_queues} WHERE endpoint = @endpoint LIMIT 1) q)
            """, new { endpoint }, cancellationToken)) > 0;

    /// <summary>The endpoint's history in points <paramref name="width"/> wide, each with its totals and the longest queue sampled in it.</summary>
    internal async Task<List<MonitoringApi.HistoryPoint>> HistoryAsync(SqlSession session, string endpoint, string? messageType, DateTimeOffset from,
        DateTimeOffset to, TimeSpan width, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            endpoint, messageType, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds(), width = (long)width.TotalMilliseconds,
        };
        var totals = (await session.Connection.QueryAsync<Totals>(session.Command($"""
            SELECT point AS Point, {Sums} FROM (
                SELECT (period_end - @from) / @width AS point, handled, failed, immediate_retries, delayed_retries, moved_to_error, processing_ms_total,
                    critical_ms_total, critical_ms_max
                FROM {_samples}
                WHERE endpoint = @endpoint AND (@messageType IS NULL OR message_type = @messageType) AND period_end >= @from AND period_end < @to) p
            GROUP BY point
            """, parameters, cancellationToken))).ToDictionary(t => t.Point);
        // A queue's length at a time is its latest sample; an endpoint's is the sum over its queues, the longest of a point shown.
        var queues = (await session.Connection.QueryAsync<(long Point, long Messages)>(session.Command($"""
            SELECT p.point, MAX(p.messages) FROM (
                SELECT (sampled_at - @from) / @width AS point, sampled_at, CAST(SUM(messages) AS bigint) AS messages FROM {_queues}
                WHERE endpoint = @endpoint AND sampled_at >= @from AND sampled_at < @to GROUP BY sampled_at) p
            GROUP BY p.point
            """, parameters, cancellationToken))).ToDictionary(q => q.Point, q => q.Messages);

        var points = new List<MonitoringApi.HistoryPoint>();
        var count = (long)Math.Ceiling((to - from) / width);
        for (var point = 0L; point < count; point++)
        {
            var at = from + width * point;
            var span = at + width > to ? to - at : width;
            points.Add(new MonitoringApi.HistoryPoint(at, Totals.StatsOf(totals.GetValueOrDefault(point), span),
                queues.TryGetValue(point, out var messages) ? messages : null));
        }

        return points;
    }

    public Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RemoveAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken);

    async Task<int> RemoveAsync(long cutoff, CancellationToken cancellationToken) =>
        await storage.ExecuteAsync($"DELETE FROM {_samples} WHERE period_end < @cutoff", command => command.With("@cutoff", cutoff), cancellationToken)
        + await storage.ExecuteAsync($"DELETE FROM {_queues} WHERE sampled_at < @cutoff", command => command.With("@cutoff", cutoff), cancellationToken);

    public sealed class Totals
    {
        public string Key { get; init; } = "";
        public long Point { get; init; }
        public long Handled { get; init; }
        public long Failed { get; init; }
        public long ImmediateRetries { get; init; }
        public long DelayedRetries { get; init; }
        public long MovedToError { get; init; }
        public double ProcessingMsTotal { get; init; }
        public double CriticalMsTotal { get; init; }
        public double? CriticalMsMax { get; init; }

        /// <summary>The totals as rates and means over a span; no totals, all zero and no times.</summary>
        internal static MonitoringApi.Stats StatsOf(Totals? totals, TimeSpan span)
        {
            if (totals is null)
                return new MonitoringApi.Stats(0, 0, 0, null, null, null, 0, 0, 0);
            var attempts = totals.Handled + totals.Failed;
            return new MonitoringApi.Stats(totals.Handled, totals.Failed, Math.Round(totals.Handled / Math.Max(1, span.TotalSeconds), 3),
                attempts == 0 ? null : Math.Round(totals.ProcessingMsTotal / attempts, 1), attempts == 0 ? null : Math.Round(totals.CriticalMsTotal / attempts, 1),
                totals.CriticalMsMax, totals.ImmediateRetries, totals.DelayedRetries, totals.MovedToError);
        }
    }

    public sealed class QueueLength
    {
        public string Endpoint { get; init; } = "";
        public long Messages { get; init; }
        public long SampledAtMs { get; init; }
        public DateTimeOffset SampledAt => DateTimeOffset.FromUnixTimeMilliseconds(SampledAtMs);
    }
}

/// <summary>Keeps <see cref="MonitoringReadModel"/> in step with Operations' samples.</summary>
public sealed class MonitoringProjection(SqlSession session, MonitoringReadModel model) : IConsumer<EndpointMetricsSampled>, IConsumer<QueueLengthsSampled>
{
    public Task Consume(ConsumeContext<EndpointMetricsSampled> context) => model.ApplyAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<QueueLengthsSampled> context) => model.ApplyAsync(session, context.Message, context.CancellationToken);
}

/// <summary>Removes the Gateway's monitoring samples older than they are kept, hourly.</summary>
public sealed class MonitoringViewCleanup(MonitoringReadModel model, TimeProvider time, ILogger<MonitoringViewCleanup> logger)
    : RetentionCleanup(time, logger, "monitoring samples", TimeSpan.FromHours(1), MonitoringApi.MaxRange, model.RemoveOlderThanAsync);
