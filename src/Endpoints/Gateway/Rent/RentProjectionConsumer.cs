using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Gateway.Rent;

/// <summary>Keeps the Gateway's rent runs, charge states and lease ledgers in step with Billing's events; each is idempotent.</summary>
public sealed class RentProjectionConsumer(SqlSession session, RentReadModel rent)
    : IConsumer<RentRunFinished>, IConsumer<RentChargePosted>, IConsumer<RentCollectionProgressed>, IConsumer<LedgerEntryRecorded>
{
    public Task Consume(ConsumeContext<RentRunFinished> context) => rent.RunFinishedAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<RentChargePosted> context) =>
        rent.ChargeMovedAsync(session, context.Message.ChargeId, context.Message.RentRunId, context.Message.LeaseId, "Posted", context.Message.Amount,
            context.Message.PostedAt, context.CancellationToken);

    public Task Consume(ConsumeContext<RentCollectionProgressed> context) =>
        rent.ChargeMovedAsync(session, context.Message.ChargeId, context.Message.RentRunId, context.Message.LeaseId, context.Message.State,
            context.Message.Outstanding, context.Message.OccurredAt, context.CancellationToken);

    public Task Consume(ConsumeContext<LedgerEntryRecorded> context) => rent.EntryRecordedAsync(session, context.Message, context.CancellationToken);
}

public static class RentProjectionExtensions
{
    /// <summary>The queue on which the Gateway keeps its copy of rent runs and ledgers.</summary>
    public const string RentProjectionQueue = "gateway-rent-projection";

    /// <summary>
    /// The projection of Billing's rent events into the Gateway's own tables, which <c>RentApi</c> reads, and the late-fee
    /// policies staff set.
    /// </summary>
    public static IBusRegistrationConfigurator AddRentProjections(this IBusRegistrationConfigurator x)
    {
        x.AddStore<RentReadModel>(RentReadModel.Tables);
        x.AddStore<LateFeePolicyStore>(LateFeePolicyStore.Tables);
        x.AddConsumer<RentProjectionConsumer>().Endpoint(e => e.Name = RentProjectionQueue);
        return x;
    }
}
