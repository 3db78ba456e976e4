namespace Orchestration.Messages.Leasing;

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

public sealed record MoveInFundsReceived
{
    public required Guid LeaseId { get; init; }

    /// <summary>The payment gateway's reference for the payment.</summary>
    public required string PaymentId { get; init; }

    public required Money Amount { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>One payment attempt failed; the request stays open and the tenant can pay again.</summary>
public sealed record MoveInPaymentFailed
{
    public required Guid LeaseId { get; init; }
    public string? PaymentId { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
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

/// <summary>
/// Asks Devices for the tenant's smart-lock code, working from move-in day through the last day of the lease.
/// The dates are in the property's local time zone, which Devices knows.
/// </summary>
public sealed record IssueAccessCode
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid TenantId { get; init; }
    public required DateOnly ValidFrom { get; init; }
    public required DateOnly ValidThrough { get; init; }
}

/// <summary>The code itself goes to the tenant from Devices and is never carried on the bus.</summary>
public sealed record AccessCodeIssued
{
    public required Guid LeaseId { get; init; }
    public required Guid AccessCodeId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}

/// <summary>
/// Revokes the lease's access code. <see cref="AccessCodeId"/> is null when the code was requested but its
/// issue has not been confirmed; Devices then revokes whatever it issued, or is about to issue, for the lease.
/// </summary>
public sealed record RevokeAccessCode
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public Guid? AccessCodeId { get; init; }
    public required string Reason { get; init; }
}

public sealed record LeaseActivated
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid TenantId { get; init; }
    public required Money MonthlyRent { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required DateOnly LeaseStart { get; init; }
    public required DateOnly LeaseEnd { get; init; }
    public required DateTimeOffset ActivatedAt { get; init; }
}
