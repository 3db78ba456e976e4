using System.Security.Claims;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>/api/operations/endpoints</c>: every endpoint instance Operations watches, with its last heartbeat and custom checks,
/// read by any staff member from the Gateway's projection of Operations' reports (so it answers while Operations is
/// down, with what was last known); muting an instance for maintenance is for admins and operators.
/// </summary>
static class OperationsHealthApi
{
    public const string ProjectionQueue = "gateway-operations-health";

    /// <summary>The longest maintenance window a mute covers; a longer one is a forgotten one.</summary>
    public static readonly TimeSpan MaxMute = TimeSpan.FromDays(7);

    static readonly Uri Heartbeats = new($"queue:{MuteEndpointInstance.HeartbeatQueue}");

    /// <summary>The queue on which the Gateway keeps its copy of Operations' monitoring samples.</summary>
    public const string MonitoringQueue = "gateway-operations-monitoring";

    /// <summary>The read models of heartbeats, monitoring samples and alert settings, and the cleanup of samples past their retention.</summary>
    public static IServiceCollection AddOperationsHealth(this IServiceCollection services)
    {
        services.AddStore<EndpointHealthReadModel>(EndpointHealthReadModel.Tables);
        services.AddStore<MonitoringReadModel>(MonitoringReadModel.Tables);
        services.AddHostedService<MonitoringViewCleanup>();
        services.AddStore<AlertsReadModel>(AlertsReadModel.Tables);
        return services;
    }

    public static IBusRegistrationConfigurator AddOperationsHealthProjection(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<EndpointHealthProjection>().Endpoint(e => e.Name = ProjectionQueue);
        x.AddConsumer<MonitoringProjection>().Endpoint(e => e.Name = MonitoringQueue);
        x.AddConsumer<AlertsProjection>().Endpoint(e => e.Name = AlertsApi.ProjectionQueue);
        return x;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/operations/endpoints").WithTags("Operations");
        endpoints.MapGet("", ListAsync).RequireAuthorization(GatewayPolicies.Staff).WithName("ListEndpointInstances")
            .WithSummary("Lists the endpoints, their instances, last heartbeats and custom checks.");
        endpoints.MapPost("/{endpoint}/{instance}/mute", MuteAsync).RequireAuthorization(GatewayPolicies.Operations).WithName("MuteEndpointInstance")
            .WithSummary("Mutes an instance's alerts until a time at most 7 days ahead (maintenance).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapDelete("/{endpoint}/{instance}/mute", UnmuteAsync).RequireAuthorization(GatewayPolicies.Operations).WithName("UnmuteEndpointInstance")
            .WithSummary("Ends an instance's mute.").ProducesProblem(StatusCodes.Status404NotFound);
        MonitoringApi.Map(api);
        AlertsApi.Map(api);
    }

    public sealed record MuteRequest(DateTimeOffset? Until);

    public sealed record EndpointHealth(string Endpoint, bool Autoscaled, int Alive, int Lost, IReadOnlyList<InstanceHealth> Instances);

    public sealed record InstanceHealth(string Instance, string Host, string Status, DateTimeOffset FirstSeen, DateTimeOffset LastHeartbeat,
        DateTimeOffset? LostAt, DateTimeOffset? MutedUntil, IReadOnlyList<CustomCheckResult> Checks);

    static async Task<Ok<List<EndpointHealth>>> ListAsync(SqlSession session, EndpointHealthReadModel model, CancellationToken cancellationToken)
    {
        var rows = await session.ReadAsync(() => model.ListAsync(session, cancellationToken), cancellationToken);
        return TypedResults.Ok(rows.GroupBy(r => r.Endpoint).Select(group =>
        {
            var instances = group.Select(r => r.ToHealth()).ToList();
            return new EndpointHealth(group.Key, group.Any(r => r.Autoscaled), instances.Count(i => i.Status == "alive"),
                instances.Count(i => i.Status == "lost"), instances);
        }).ToList());
    }

    static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> MuteAsync(string endpoint, string instance, MuteRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, EndpointHealthReadModel model, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.Until is not { } until || until <= now || until > now + MaxMute)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["until"] = [$"A time in the future, at most {MaxMute.TotalDays:0} days ahead (ISO 8601)."],
            });
        }

        return await SendAsync(endpoint, instance, until, user, session, outbox, model, cancellationToken);
    }

    static Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> UnmuteAsync(string endpoint, string instance, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, EndpointHealthReadModel model, CancellationToken cancellationToken) =>
        SendAsync(endpoint, instance, null, user, session, outbox, model, cancellationToken);

    static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> SendAsync(string endpoint, string instance, DateTimeOffset? until,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, EndpointHealthReadModel model, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        if (!await model.ExistsAsync(session, endpoint, instance, cancellationToken))
        {
            await session.RollbackAsync();
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Endpoint instance not found",
                detail: $"No heartbeat from instance '{instance}' of endpoint '{endpoint}' is known.");
        }

        await outbox.Send(Heartbeats, new MuteEndpointInstance
        {
            Endpoint = endpoint,
            Instance = instance,
            Until = until,
            RequestedBy = user.StaffUserId()?.ToString() ?? "unknown",
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The Gateway's copy of what Operations reports about each endpoint instance; a stale report changes nothing.</summary>
public sealed class EndpointHealthReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_0301_endpoint_health", (s, d) => $"""
        CREATE TABLE {s.Table("endpoint_health")} (
            endpoint text NOT NULL,
            instance text NOT NULL,
            host text NOT NULL,
            autoscaled integer NOT NULL,
            first_seen bigint NOT NULL,
            last_heartbeat bigint NOT NULL,
            lost_at bigint NULL,
            muted_until bigint NULL,
            checks text NOT NULL,
            reported_at bigint NOT NULL,
            PRIMARY KEY (endpoint, instance)
        );
        """);

    readonly string _table = storage.Table("endpoint_health");

    public Task ApplyAsync(SqlSession session, EndpointInstanceReported report, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_table} (endpoint, instance, host, autoscaled, first_seen, last_heartbeat, lost_at, muted_until, checks, reported_at)
            VALUES (@Endpoint, @Instance, @Host, @autoscaled, @FirstSeen, @LastHeartbeat, @LostAt, @MutedUntil, @checks, @ReportedAt)
            ON CONFLICT (endpoint, instance) DO UPDATE SET
                host = excluded.host, autoscaled = excluded.autoscaled, last_heartbeat = excluded.last_heartbeat, lost_at = excluded.lost_at,
                muted_until = excluded.muted_until, checks = excluded.checks, reported_at = excluded.reported_at
            WHERE {_table}.reported_at < excluded.reported_at
            """, new
        {
            report.Endpoint, report.Instance, report.Host, autoscaled = report.Autoscaled ? 1 : 0, report.FirstSeen, report.LastHeartbeat,
            report.LostAt, report.MutedUntil, checks = JsonSerializer.Serialize(report.Checks, JsonSerializerOptions.Web), report.ReportedAt,
        }, cancellationToken));

    public async Task<List<Row>> ListAsync(SqlSession session, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<Row>(session.Command($"""
            SELECT endpoint AS Endpoint, instance AS Instance, host AS Host, autoscaled AS Autoscaled, first_seen AS FirstSeen,
                   last_heartbeat AS LastHeartbeat, lost_at AS LostAt, muted_until AS MutedUntil, checks AS Checks
            FROM {_table} ORDER BY endpoint, instance
            """, null, cancellationToken))).AsList();

    public async Task<bool> ExistsAsync(SqlSession session, string endpoint, string instance, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command(
            $"SELECT COUNT(*) FROM {_table} WHERE endpoint = @endpoint AND instance = @instance", new { endpoint, instance }, cancellationToken)) > 0;

    public sealed class Row
    {
        public string Endpoint { get; init; } = "";
        public string Instance { get; init; } = "";
        public string Host { get; init; } = "";
        public bool Autoscaled { get; init; }
        public DateTimeOffset FirstSeen { get; init; }
        public DateTimeOffset LastHeartbeat { get; init; }
        public DateTimeOffset? LostAt { get; init; }
        public DateTimeOffset? MutedUntil { get; init; }
        public string Checks { get; init; } = "[]";

        internal OperationsHealthApi.InstanceHealth ToHealth() => new(Instance, Host, LostAt is null ? "alive" : "lost", FirstSeen, LastHeartbeat, LostAt,
            MutedUntil, JsonSerializer.Deserialize<List<CustomCheckResult>>(Checks, JsonSerializerOptions.Web) ?? []);
    }
}

/// <summary>Keeps <see cref="EndpointHealthReadModel"/> in step with Operations' reports.</summary>
public sealed class EndpointHealthProjection(SqlSession session, EndpointHealthReadModel model) : IConsumer<EndpointInstanceReported>
{
    public Task Consume(ConsumeContext<EndpointInstanceReported> context) => model.ApplyAsync(session, context.Message, context.CancellationToken);
}
