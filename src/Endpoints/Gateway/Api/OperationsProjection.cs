using MassTransit;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Keeps the Gateway's copy of failed messages in step with Operations; an older or repeated event changes nothing.</summary>
public sealed class OperationsProjectionConsumer(SqlSession session, OperationsReadModel operations) : IConsumer<FailedMessageChanged>
{
    public Task Consume(ConsumeContext<FailedMessageChanged> context) => operations.ChangedAsync(session, context.Message, context.CancellationToken);
}

public static class OperationsProjectionExtensions
{
    /// <summary>The queue on which the Gateway keeps its copy of Operations' failed messages.</summary>
    public const string OperationsProjectionQueue = "gateway-operations-projection";

    /// <summary>The projection of Operations' failed messages into the Gateway's own tables, which <c>OperationsApi</c> reads.</summary>
    public static IBusRegistrationConfigurator AddOperationsProjection(this IBusRegistrationConfigurator x)
    {
        x.AddStore<OperationsReadModel>(OperationsReadModel.Tables);
        x.AddConsumer<OperationsProjectionConsumer>().Endpoint(e => e.Name = OperationsProjectionQueue);
        return x;
    }
}
