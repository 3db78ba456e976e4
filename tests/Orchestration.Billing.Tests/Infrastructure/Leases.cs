using Orchestration.Messages;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Devices;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>Commands for one made-up lease, as the lease-signing saga sends them.</summary>
public sealed class Leases : TestLease
{
    public string FundsKey => $"lease-{LeaseId:N}-move-in-funds";

    /// <summary>1850.00 deposit and 1850.00 rent: 370000 cents, which the gateway accepts.</summary>
    public RequestMoveInFunds RequestMoveInFunds(decimal deposit = 1850.00m, decimal rent = 1850.00m, string currency = "USD", DateOnly? dueOn = null) => new()
    {
        LeaseId = LeaseId, ApplicantId = ApplicantId, ApplicantName = "Ada Lovelace", ApplicantEmail = "ada@example.com",
        SecurityDeposit = new Money(deposit, currency), FirstMonthRent = new Money(rent, currency), DueOn = dueOn ?? new DateOnly(2027, 1, 1),
        IdempotencyKey = FundsKey,
    };

    public CancelMoveInFundsRequest CancelMoveInFundsRequest() => new() { LeaseId = LeaseId, IdempotencyKey = FundsKey, Reason = "Lease cancelled" };

    public RefundMoveInFunds RefundMoveInFunds(string paymentId, decimal amount) => new()
    {
        LeaseId = LeaseId, PaymentId = paymentId, Amount = new Money(amount, "USD"), IdempotencyKey = $"lease-{LeaseId:N}-move-in-refund",
        Reason = "Lease terminated before move-in",
    };

    /// <summary>
    /// <c>payment_intent.succeeded</c> for this lease as the Gateway passes it on, with the lease and request in the
    /// intent's metadata as Billing puts them there (<paramref name="withOurMetadata"/>) or with none at all.
    /// </summary>
    public PaymentIntentSucceeded Succeeded(string intentId, decimal amount, string currency = "USD", bool withOurMetadata = true) => new()
    {
        ProviderEventId = $"evt_{Guid.NewGuid():N}",
        EventType = "payment_intent.succeeded",
        PaymentIntentId = intentId,
        Amount = new Money(amount, currency),
        LeaseId = withOurMetadata ? LeaseId : null,
        MoveInRequest = withOurMetadata ? FundsKey : null,
        OccurredAt = DateTimeOffset.UtcNow,
    };

    public PaymentIntentFailed Failed(string intentId, decimal amount) => new()
    {
        ProviderEventId = $"evt_{Guid.NewGuid():N}",
        EventType = "payment_intent.payment_failed",
        PaymentIntentId = intentId,
        Amount = new Money(amount, "USD"),
        LeaseId = LeaseId,
        MoveInRequest = FundsKey,
        Reason = "Your card was declined.",
        OccurredAt = DateTimeOffset.UtcNow,
    };
}
