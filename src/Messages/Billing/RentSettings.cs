namespace Orchestration.Messages.Billing;

/// <summary>
/// Asks Billing to apply <see cref="Policy"/> to the late fees of a property's or a lease's charges posted from
/// <see cref="EffectiveFrom"/> on (a lease's own policy wins over its property's, which wins over the company's). A
/// charge already posted keeps the policy it was posted under. <see cref="SettingId"/> makes a repeated command change
/// nothing.
/// </summary>
public sealed record SetLateFeePolicy
{
    public required Guid SettingId { get; init; }
    public required LateFeeScope Scope { get; init; }
    public required Guid ScopeId { get; init; }
    public required LateFeePolicy Policy { get; init; }
    public required DateTimeOffset EffectiveFrom { get; init; }
}

/// <summary>
/// Asks Billing to take only full payments of the lease's charges (<see cref="FullPaymentOnly"/>), or partial ones too
/// (the default). A setting older than the one kept (<see cref="SetAt"/>) changes nothing.
/// </summary>
public sealed record SetLeaseRentSettings
{
    public required Guid LeaseId { get; init; }
    public required bool FullPaymentOnly { get; init; }
    public required DateTimeOffset SetAt { get; init; }
}

/// <summary>
/// A payment of less than the charge still owed arrived for a lease that takes full payments only: it was not applied
/// to the charge, and is refunded (<see cref="RefundRefusedRentPayment"/>).
/// </summary>
public sealed record RentPaymentRefused
{
    public required Guid ChargeId { get; init; }
    public required Guid LeaseId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required Money Owed { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>Asks Billing to give a refused payment back through the gateway; the gateway sees <see cref="IdempotencyKey"/>.</summary>
public sealed record RefundRefusedRentPayment
{
    public required Guid ChargeId { get; init; }
    public required Guid LeaseId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required string IdempotencyKey { get; init; }
}
