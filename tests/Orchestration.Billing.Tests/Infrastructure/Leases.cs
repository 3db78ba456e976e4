using Orchestration.Messages;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Devices;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>Commands for one made-up lease, as the lease-signing saga sends them.</summary>
public sealed class Leases : TestLease
{
    public string FundsKey => $"lease-{LeaseId:N}-move-in-funds";

    /// <summary>1850.00 deposit and 1850.00 rent: 370000 cents, which the gateway accepts.</summary>
    public RequestMoveInFunds RequestMoveInFunds(decimal deposit = 1850.00m, decimal rent = 1850.00m, string currency = "USD") => new()
    {
        LeaseId = LeaseId, ApplicantId = ApplicantId, ApplicantName = "Ada Lovelace", ApplicantEmail = "ada@example.com",
        SecurityDeposit = new Money(deposit, currency), FirstMonthRent = new Money(rent, currency), DueOn = new DateOnly(2027, 1, 1),
        IdempotencyKey = FundsKey,
    };

    public CancelMoveInFundsRequest CancelMoveInFundsRequest() => new() { LeaseId = LeaseId, IdempotencyKey = FundsKey, Reason = "Lease cancelled" };

    public RefundMoveInFunds RefundMoveInFunds(string paymentId, decimal amount) => new()
    {
        LeaseId = LeaseId, PaymentId = paymentId, Amount = new Money(amount, "USD"), IdempotencyKey = $"lease-{LeaseId:N}-move-in-refund",
        Reason = "Lease terminated before move-in",
    };
}
