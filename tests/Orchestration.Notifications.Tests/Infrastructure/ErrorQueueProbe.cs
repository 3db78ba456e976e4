namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>Consumes the notifications error queue, so that a test sees each failed command with its fault headers.</summary>
sealed class ErrorQueueProbe(ErrorQueue errors) : IConsumer<SendTenantEmail>
{
    public Task Consume(ConsumeContext<SendTenantEmail> context)
    {
        errors.Add(context.Message.LeaseId, context.ReceiveContext.TransportHeaders.GetAll().ToDictionary(h => h.Key, h => h.Value?.ToString()));
        return Task.CompletedTask;
    }
}
