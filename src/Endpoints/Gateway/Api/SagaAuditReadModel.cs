using System.Text.Json;
using Dapper;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>A timeout in a saga step: Requested, Cancelled or Fired.</summary>
public sealed record SagaTimeoutView(string Action, Guid TokenId, string? MessageType, DateTimeOffset? DueAt);

/// <summary>One message applied to one saga instance, as the endpoint recorded it in the step's transaction.</summary>
public sealed record SagaStepView(
    Guid StepId, string Endpoint, string SagaType, Guid CorrelationId, int Version, DateTimeOffset At, string Outcome, Guid? MessageId,
    string MessageType, Guid? ConversationId, string? StateBefore, string? StateAfter, IReadOnlyList<SagaPropertyChange> Changes,
    IReadOnlyList<SagaTimeoutView> Timeouts, IReadOnlyList<SagaSentMessage> Sent);

/// <summary>
/// The Gateway's copy of every endpoint's saga audit, projected from <see cref="SagaStepsRecorded"/>: a step is kept once
/// (by its id) however often its batch arrives, and is removed when its retention runs out.
/// </summary>
public sealed class SagaAuditReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_operations_0002_saga_audit", (s, d) => $"""
        CREATE TABLE {s.Table("saga_step_view")} (
            step_id {d.UuidType} PRIMARY KEY,
            endpoint text NOT NULL,
            saga_type text NOT NULL,
            correlation_id {d.UuidType} NOT NULL,
            version integer NOT NULL,
            at bigint NOT NULL,
            outcome text NOT NULL,
            message_id {d.UuidType} NULL,
            message_type text NOT NULL,
            conversation_id {d.UuidType} NULL,
            state_before text NULL,
            state_after text NULL,
            changes text NOT NULL,
            timeouts text NOT NULL,
            sent text NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "saga_step_view_instance")} ON {s.Table("saga_step_view")} (saga_type, correlation_id, version);
        CREATE INDEX {PlatformMigrations.Index(s, "saga_step_view_conversation")} ON {s.Table("saga_step_view")} (conversation_id);
        CREATE INDEX {PlatformMigrations.Index(s, "saga_step_view_at")} ON {s.Table("saga_step_view")} (at);
        ALTER TABLE {s.Table("failed_message_view")} ADD COLUMN conversation_id {d.UuidType} NULL;
        ALTER TABLE {s.Table("failed_message_view")} ADD COLUMN saga_type text NULL;
        ALTER TABLE {s.Table("failed_message_view")} ADD COLUMN saga_id {d.UuidType} NULL;
        CREATE INDEX {PlatformMigrations.Index(s, "failed_message_view_conversation")} ON {s.Table("failed_message_view")} (conversation_id);
        CREATE INDEX {PlatformMigrations.Index(s, "failed_message_view_saga")} ON {s.Table("failed_message_view")} (saga_type, saga_id);
        """);

    /// <summary>The most steps one answer lists; an instance with more is read a page at a time.</summary>
    public const int MaxSteps = 1000;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    const string Columns = "step_id, endpoint, saga_type, correlation_id, version, at, outcome, message_id, message_type, conversation_id, " +
        "state_before, state_after, changes, timeouts, sent";

    readonly string _steps = storage.Table("saga_step_view");

    public async Task RecordedAsync(SqlSession session, SagaStepsRecorded recorded, CancellationToken cancellationToken)
    {
        foreach (var step in recorded.Steps)
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_steps} ({Columns})
                VALUES (@StepId, @Endpoint, @SagaType, @CorrelationId, @Version, @At, @Outcome, @MessageId, @MessageType, @ConversationId,
                    @StateBefore, @StateAfter, @Changes, @Timeouts, @Sent)
                ON CONFLICT (step_id) DO NOTHING
                """, new
            {
                step.StepId, step.Endpoint, step.SagaType, step.CorrelationId, step.Version, step.At, Outcome = step.Outcome.ToString(), step.MessageId,
                step.MessageType, step.ConversationId, step.StateBefore, step.StateAfter,
                Changes = JsonSerializer.Serialize(step.Changes, Json),
                Timeouts = JsonSerializer.Serialize(step.Timeouts.Select(t => new SagaTimeoutView(t.Action.ToString(), t.TokenId, t.MessageType, t.DueAt)), Json),
                Sent = JsonSerializer.Serialize(step.Sent, Json),
            }, cancellationToken));
    }

    /// <summary>An instance's steps in the order they happened (by the version each left the instance at).</summary>
    public async Task<Page<SagaStepView>> InstanceAsync(SqlSession session, string sagaType, Guid correlationId, Paging paging,
        CancellationToken cancellationToken) =>
        (await session.QueryPageAsync<SagaStepRow>(
            $"SELECT {Columns} FROM {_steps} WHERE saga_type = @sagaType AND correlation_id = @correlationId ORDER BY version, at LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_steps} WHERE saga_type = @sagaType AND correlation_id = @correlationId",
            new { sagaType, correlationId }, paging, cancellationToken)).Select(row => row.View);

    /// <summary>The saga steps a conversation caused, oldest first, up to <see cref="MaxSteps"/>.</summary>
    public async Task<List<SagaStepView>> ConversationAsync(SqlSession session, Guid conversationId, CancellationToken cancellationToken) =>
        [.. (await session.Connection.QueryAsync<SagaStepRow>(session.Command(
            $"SELECT {Columns} FROM {_steps} WHERE conversation_id = @conversationId ORDER BY at, saga_type, correlation_id, version LIMIT {MaxSteps}",
            new { conversationId }, cancellationToken))).Select(row => row.View)];

    public async Task<int> RemoveOlderThanAsync(SqlSession session, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"DELETE FROM {_steps} WHERE at < @cutoff", new { cutoff }, cancellationToken));

    sealed record SagaStepRow(
        Guid StepId, string Endpoint, string SagaType, Guid CorrelationId, int Version, DateTimeOffset At, string Outcome, Guid? MessageId,
        string MessageType, Guid? ConversationId, string? StateBefore, string? StateAfter, string Changes, string Timeouts, string Sent)
    {
        public SagaStepView View => new(StepId, Endpoint, SagaType, CorrelationId, Version, At, Outcome, MessageId, MessageType, ConversationId,
            StateBefore, StateAfter, JsonSerializer.Deserialize<List<SagaPropertyChange>>(Changes, Json) ?? [],
            JsonSerializer.Deserialize<List<SagaTimeoutView>>(Timeouts, Json) ?? [], JsonSerializer.Deserialize<List<SagaSentMessage>>(Sent, Json) ?? []);
    }
}
