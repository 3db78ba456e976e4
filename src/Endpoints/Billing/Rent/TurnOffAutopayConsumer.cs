using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Stops autopay for a lease (certified funds only): later rent runs invoice it instead.</summary>
public sealed class TurnOffAutopayConsumer(SqlSession session, RentStore rent, TimeProvider time, ILogger<TurnOffAutopayConsumer> logger)
    : IConsumer<TurnOffAutopay>
{
    public async Task Consume(ConsumeContext<TurnOffAutopay> context)
    {
        await rent.TurnOffAutopayAsync(session, context.Message.LeaseId, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
        logger.LogInformation("Autopay turned off for lease {LeaseId}: {Reason}", context.Message.LeaseId, context.Message.Reason);
    }
}
