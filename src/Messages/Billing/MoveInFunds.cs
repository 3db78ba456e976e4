namespace Orchestration.Messages.Billing;

/// <summary>
/// Asks Billing to collect the security deposit and the first month's rent. The two stay separate lines because
/// the deposit is held for the tenant while the rent is income. Billing passes <see cref="IdempotencyKey"/> to
/// the payment gateway, so a repeated request never charges twice.
/// </summary>
public sealed record RequestMoveInFunds
{
    public required Guid LeaseId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }
    public required string ApplicantEmail { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required Money FirstMonthRent { get; init; }
    public required DateOnly DueOn { get; init; }
    public required string IdempotencyKey { get; init; }
}

/// <summary>
/// Withdraws an open move-in funds request (same <see cref="IdempotencyKey"/> as the request). A payment that
/// succeeds after the withdrawal is refunded by Billing, because the lease no longer exists to take it.
/// </summary>
public sealed record CancelMoveInFundsRequest
{
    public required Guid LeaseId { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Reason { get; init; }
}

public sealed record RefundMoveInFunds
{
    public required Guid LeaseId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Reason { get; init; }
}
