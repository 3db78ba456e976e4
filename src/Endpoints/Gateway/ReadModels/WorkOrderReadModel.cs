using Dapper;
using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>A work order as staff see it: what was asked, its priority once triaged, and the stage its dispatch has reached.</summary>
public sealed record WorkOrderRecord(
    Guid WorkOrderId, Guid PropertyId, Guid UnitId, string Category, string Description, string? Priority, string State, int Sequence,
    string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt);

/// <summary>One step of a work order's dispatch, as the saga announced it.</summary>
public sealed record WorkOrderStep(int Sequence, string Step, string State, string? Detail, DateTimeOffset OccurredAt);

/// <summary>
/// The work orders staff created here and their timelines, projected from the dispatch saga's <see cref="WorkOrderProgressed"/>.
/// A step is kept once per sequence number and the state follows the highest sequence seen, so duplicates and late arrivals
/// leave the same rows.
/// </summary>
public sealed class WorkOrderReadModel(SqlStorage storage)
{
    public const string Requested = "Requested";

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

    public async Task SetPriorityAsync(SqlSession session, Guid workOrderId, WorkOrderPriority priority, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_orders} SET priority = @priority WHERE work_order_id = @workOrderId
            """, new { workOrderId, priority = priority.ToString() }, cancellationToken));
}

/// <summary>Keeps <see cref="WorkOrderReadModel"/> in step with the dispatch saga's events.</summary>
public sealed class WorkOrderProjectionConsumer(SqlSession session, WorkOrderReadModel workOrders)
    : IConsumer<WorkOrderProgressed>, IConsumer<WorkOrderOpened>
{
    public Task Consume(ConsumeContext<WorkOrderProgressed> context) =>
        workOrders.ApplyAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<WorkOrderOpened> context) =>
        workOrders.SetPriorityAsync(session, context.Message.WorkOrderId, context.Message.Priority, context.CancellationToken);
}
