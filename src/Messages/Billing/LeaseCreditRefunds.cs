namespace Orchestration.Messages.Billing;

/// <summary>
/// Staff ask Billing to pay back part or all of a lease's credit (an overpayment held as a negative balance) to the
/// tenant: Billing refunds the lease's received payments, newest first, under keys derived from <see cref="RefundId"/>,
/// and posts one <c>Refund</c> ledger entry per payment the gateway refunded.
/// </summary>
public sealed record RefundLeaseCredit
{
    public required Guid RefundId { get; init; }
    public required Guid LeaseId { get; init; }
    public required Money Amount { get; init; }
    public required string Reason { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>
/// Asks Billing how a staff refund's part the gateway answered <c>pending</c> ended: sent when the answer is recorded and
/// whenever the gateway reports a refund of the payment; Billing asks the gateway, posts the refund once it succeeded and
/// frees the reserved credit once it failed.
/// </summary>
public sealed record SettleLeaseCreditRefund
{
    public required Guid RefundId { get; init; }
    public required Guid LeaseId { get; init; }
    public required string PaymentIntentId { get; init; }
}
