using Dapper;
using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>A work order as staff see it: what was asked, its priority once triaged, and the stage its dispatch has reached.</summary>
public sealed record WorkOrderRecord(
    Guid WorkOrderId, Guid PropertyId, Guid UnitId, string Category, string Description, string? Priority, string State, int Sequence,
    string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt);

/// <summary>What a list of work orders is narrowed to; each filter applies when given.</summary>
public sealed record WorkOrderFilter(string? State, string? Priority, Guid? PropertyId);

/// <summary>One step of a work order's dispatch, as the saga announced it.</summary>
public sealed record WorkOrderStep(int Sequence, string Step, string State, string? Detail, DateTimeOffset OccurredAt);

/// <summary>
/// The work orders and their timelines: those staff created here from the request, and every work order (a device's
/// alarm's or a tenant's too) from the dispatch saga's <see cref="WorkOrderOpened"/>; the stage from its
/// <see cref="WorkOrderProgressed"/>. A step is kept once per sequence number and the state follows the highest sequence
/// seen, so duplicates and late arrivals leave the same rows.
/// </summary>
public sealed class WorkOrderReadModel(SqlStorage storage)
{
    public const string Requested = "Requested";

    /// <summary>The orders a list can be sorted in, by name; each a fixed piece of SQL, with the id last so pages never overlap.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sorts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["-requestedAt"] = "requested_at DESC, work_order_id",
        ["requestedAt"] = "requested_at, work_order_id",
        ["-updatedAt"] = "updated_at DESC, work_order_id",
        ["updatedAt"] = "updated_at, work_order_id",
        // Emergencies first; a work order not yet triaged last.
        ["priority"] = "CASE priority WHEN 'Emergency' THEN 0 WHEN 'Urgent' THEN 1 WHEN 'Routine' THEN 2 ELSE 3 END, requested_at DESC, work_order_id",
    };

    public static readonly SchemaMigration ListIndexes = new("gateway_work_orders_0002_list", (s, _) => $"""
        CREATE INDEX {PlatformMigrations.Index(s, "work_orders_requested")} ON {s.Table("work_orders")} (requested_at);
        CREATE INDEX {PlatformMigrations.Index(s, "work_orders_property")} ON {s.Table("work_orders")} (property_id, requested_at);
        """);

    public static readonly SchemaMigration Tables = new("gateway_work_orders_0001", (s, d) => $"""
        CREATE TABLE {s.Table("work_orders")} (
            work_order_id {d.UuidType} PRIMARY KEY,
            property_id {d.UuidType} NOT NULL,
            unit_id {d.UuidType} NOT NULL,
            category text NOT NULL,
            description text NOT NULL,
            priority text NULL,
            state text NOT NULL,
            sequence integer NOT NULL,
            requested_by text NOT NULL,
            requested_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );

        CREATE TABLE {s.Table("work_order_timeline")} (
            work_order_id {d.UuidType} NOT NULL,
            sequence integer NOT NULL,
            step text NOT NULL,
            state text NOT NULL,
            detail text NULL,
            occurred_at bigint NOT NULL,
            PRIMARY KEY (work_order_id, sequence)
        );
        """);

    readonly string _orders = storage.Table("work_orders");
    readonly string _timeline = storage.Table("work_order_timeline");

    /// <summary>False when the work order is already recorded (a retried request).</summary>
    public async Task<bool> InsertAsync(SqlSession session, WorkOrderRecord order, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_orders} (work_order_id, property_id, unit_id, category, description, priority, state, sequence, requested_by, requested_at, updated_at)
            VALUES (@WorkOrderId, @PropertyId, @UnitId, @Category, @Description, @Priority, @State, @Sequence, @RequestedBy, @RequestedAt, @UpdatedAt)
            ON CONFLICT (work_order_id) DO NOTHING
            """, order, cancellationToken)) == 1;

    public Task<WorkOrderRecord?> FindAsync(SqlSession session, Guid workOrderId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<WorkOrderRecord?>(session.Command($"""
            SELECT work_order_id, property_id, unit_id, category, description, priority, state, sequence, requested_by, requested_at, updated_at
            FROM {_orders} WHERE work_order_id = @workOrderId
            """, new { workOrderId }, cancellationToken));

    /// <summary>A page of work orders in <paramref name="sort"/> order (a key of <see cref="Sorts"/>).</summary>
    public Task<Page<WorkOrderRecord>> ListAsync(SqlSession session, WorkOrderFilter filter, string sort, Paging paging,
        CancellationToken cancellationToken)
    {
        // Each condition is a fixed piece of SQL, chosen by which filters are given; every value stays a parameter.
        var conditions = new List<string>();
        if (filter.State is not null)
            conditions.Add("state = @State");
        if (filter.Priority is not null)
            conditions.Add("priority = @Priority");
        if (filter.PropertyId is not null)
            conditions.Add("property_id = @PropertyId");
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        return session.QueryPageAsync<WorkOrderRecord>($"""
            SELECT work_order_id, property_id, unit_id, category, description, priority, state, sequence, requested_by, requested_at, updated_at
            FROM {_orders} {where} ORDER BY {Sorts[sort]} LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_orders} {where}", filter, paging, cancellationToken);
    }

    public async Task<IReadOnlyList<WorkOrderStep>> TimelineAsync(SqlSession session, Guid workOrderId, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<WorkOrderStep>(session.Command($"""
            SELECT sequence, step, state, detail, occurred_at FROM {_timeline} WHERE work_order_id = @workOrderId ORDER BY sequence
            """, new { workOrderId }, cancellationToken))).AsList();

    /// <summary>Records the step once and moves the work order's state to it when it is the newest; a work order created elsewhere is skipped.</summary>
    public async Task ApplyAsync(SqlSession session, WorkOrderProgressed step, CancellationToken cancellationToken)
    {
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_timeline} (work_order_id, sequence, step, state, detail, occurred_at)
            VALUES (@WorkOrderId, @Sequence, @Step, @State, @Detail, @OccurredAt)
            ON CONFLICT (work_order_id, sequence) DO NOTHING
            """, new { step.WorkOrderId, step.Sequence, step.Step, step.State, step.Detail, step.OccurredAt }, cancellationToken));
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_orders} SET state = @State, sequence = @Sequence, updated_at = @OccurredAt
            WHERE work_order_id = @WorkOrderId AND sequence < @Sequence
            """, new { step.WorkOrderId, step.Sequence, step.State, step.OccurredAt }, cancellationToken));
    }

    /// <summary>
    /// Records the triaged priority, and a work order not requested here (a device's alarm's, a tenant's) with what the
    /// saga announced of it; steps that arrived before it are applied to it at once.
    /// </summary>
    public async Task RecordOpenedAsync(SqlSession session, WorkOrderOpened opened, CancellationToken cancellationToken)
    {
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_orders} (work_order_id, property_id, unit_id, category, description, priority, state, sequence, requested_by, requested_at, updated_at)
            VALUES (@WorkOrderId, @PropertyId, @UnitId, @Category, '', @priority, @Requested, 0, @requestedBy, @OpenedAt, @OpenedAt)
            ON CONFLICT (work_order_id) DO UPDATE SET priority = excluded.priority
            """, new
            {
                opened.WorkOrderId, opened.PropertyId, opened.UnitId, opened.Category, priority = opened.Priority.ToString(), Requested,
                requestedBy = opened.Source.ToString(), opened.OpenedAt,
            }, cancellationToken));
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_orders} SET
                state = (SELECT t.state FROM {_timeline} t WHERE t.work_order_id = @WorkOrderId ORDER BY t.sequence DESC LIMIT 1),
                updated_at = (SELECT t.occurred_at FROM {_timeline} t WHERE t.work_order_id = @WorkOrderId ORDER BY t.sequence DESC LIMIT 1),
                sequence = (SELECT MAX(t.sequence) FROM {_timeline} t WHERE t.work_order_id = @WorkOrderId)
            WHERE work_order_id = @WorkOrderId
              AND sequence < (SELECT COALESCE(MAX(t.sequence), 0) FROM {_timeline} t WHERE t.work_order_id = @WorkOrderId)
            """, new { opened.WorkOrderId }, cancellationToken));
    }
}

/// <summary>Keeps <see cref="WorkOrderReadModel"/> in step with the dispatch saga's events.</summary>
public sealed class WorkOrderProjectionConsumer(SqlSession session, WorkOrderReadModel workOrders)
    : IConsumer<WorkOrderProgressed>, IConsumer<WorkOrderOpened>
{
    public Task Consume(ConsumeContext<WorkOrderProgressed> context) =>
        workOrders.ApplyAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<WorkOrderOpened> context) =>
        workOrders.RecordOpenedAsync(session, context.Message, context.CancellationToken);
}
