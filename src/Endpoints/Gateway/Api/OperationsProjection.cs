using MassTransit;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Keeps the Gateway's copy of failed messages in step with Operations; an older or repeated event changes nothing.</summary>
public sealed class OperationsProjectionConsumer(SqlSession session, OperationsReadModel operations) : IConsumer<FailedMessageChanged>
{
    public Task Consume(ConsumeContext<FailedMessageChanged> context) => operations.ChangedAsync(session, context.Message, context.CancellationToken);
}

/// <summary>Keeps the Gateway's copy of every endpoint's saga audit; a batch that arrives again adds nothing.</summary>
public sealed class SagaAuditProjectionConsumer(SqlSession session, SagaAuditReadModel audit) : IConsumer<SagaStepsRecorded>
{
    public Task Consume(ConsumeContext<SagaStepsRecorded> context) => audit.RecordedAsync(session, context.Message, context.CancellationToken);
}

public static class OperationsProjectionExtensions
{
    /// <summary>The queue on which the Gateway keeps its copy of Operations' failed messages.</summary>
    public const string OperationsProjectionQueue = "gateway-operations-projection";

    /// <summary>The queue on which the Gateway keeps its copy of the endpoints' saga audit.</summary>
    public const string SagaAuditProjectionQueue = "gateway-saga-audit-projection";

    /// <summary>
    /// The projection of Operations' failed messages and of the endpoints' saga audit into the Gateway's own tables, which
    /// <c>OperationsApi</c> and <c>SagaAuditApi</c> read; saga steps are kept for <c>SagaAudit:RetentionDays</c> (30).
    /// </summary>
    public static IBusRegistrationConfigurator AddOperationsProjection(this IBusRegistrationConfigurator x)
    {
        x.AddStore<OperationsReadModel>(OperationsReadModel.Tables);
        x.AddConsumer<OperationsProjectionConsumer>().Endpoint(e => e.Name = OperationsProjectionQueue);
        x.AddStore<SagaAuditReadModel>(SagaAuditReadModel.Tables);
        x.AddOptions<SagaAuditRetentionOptions>().BindConfiguration(SagaAuditRetentionOptions.Section)
            .Validate(o => o.RetentionDays is >= 1 and <= 3650, "SagaAudit:RetentionDays must be from 1 to 3650.").ValidateOnStart();
        x.AddHostedService<SagaAuditCleanup>();
        x.AddConsumer<SagaAuditProjectionConsumer>().Endpoint(e => e.Name = SagaAuditProjectionQueue);
        return x;
    }
}
