using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// The saga audit under <c>/api/operations</c>, read by any staff member: an instance's steps in order, and everything one
/// conversation did (its saga steps and its failed messages). Reads come from the Gateway's projection of the audit the
/// endpoints record in each step's own transaction.
/// </summary>
static class SagaAuditApi
{
    /// <summary>The most failed messages one answer links to.</summary>
    const int MaxFailedMessages = 200;

    public sealed record SagaAuditTrail(string SagaType, Guid CorrelationId, Page<SagaStepView> Steps, IReadOnlyList<FailedMessageSummary> FailedMessages);

    public sealed record ConversationView(Guid ConversationId, IReadOnlyList<SagaStepView> SagaSteps, IReadOnlyList<FailedMessageSummary> FailedMessages);

    public static void Map(RouteGroupBuilder read)
    {
        read.MapGet("/sagas/{type}/{id:guid}", InstanceAsync).WithName("GetSagaAudit")
            .WithSummary("A saga instance's audit, step by step in order (limit, offset): the message, state before and after, changed properties, timeouts requested, fired and cancelled, messages sent; and the failed messages of the instance. type is the saga's state type, as the audit and failed messages name it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/conversations/{id:guid}", ConversationAsync).WithName("GetConversation")
            .WithSummary($"What one conversation did: its saga steps, oldest first (at most {SagaAuditReadModel.MaxSteps}), and its failed messages, last failure first (at most {MaxFailedMessages}).")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<SagaAuditTrail>, ValidationProblem, ProblemHttpResult>> InstanceAsync(string type, Guid id, int? limit, int? offset,
        SqlSession session, SagaAuditReadModel audit, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "type", type, 200, "A saga type");
        var paging = ApiProblems.Paging(limit, offset, errors);
        if (paging is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var sagaType = type.Trim();
        var (steps, failed) = await session.ReadAsync(async () => (
            await audit.InstanceAsync(session, sagaType, id, paging, cancellationToken),
            await operations.LinkedAsync(session, null, (sagaType, id), MaxFailedMessages, time.GetUtcNow(), cancellationToken)), cancellationToken);
        if (steps.Total == 0 && failed.Count == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Saga not found",
                detail: $"No audited step and no failed message of saga {sagaType} {id} is known.");
        return TypedResults.Ok(new SagaAuditTrail(sagaType, id, steps, failed));
    }

    public static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> ConversationAsync(Guid id, SqlSession session, SagaAuditReadModel audit,
        OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var (steps, failed) = await session.ReadAsync(async () => (
            await audit.ConversationAsync(session, id, cancellationToken),
            await operations.LinkedAsync(session, id, null, MaxFailedMessages, time.GetUtcNow(), cancellationToken)), cancellationToken);
        return steps.Count == 0 && failed.Count == 0
            ? ApiProblems.NotFound("Conversation", id)
            : TypedResults.Ok(new ConversationView(id, steps, failed));
    }
}
