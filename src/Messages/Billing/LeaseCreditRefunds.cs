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
