using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Follows each charge's collection, for the progress of its rent run.</summary>
public sealed class RentProgressConsumer(SqlSession session, RentStore rent) : IConsumer<RentCollectionProgressed>
{
    public Task Consume(ConsumeContext<RentCollectionProgressed> context) =>
        rent.RecordProgressAsync(session, context.Message.ChargeId, context.Message.State, context.Message.Outstanding, context.Message.OccurredAt,
            context.CancellationToken);
}
