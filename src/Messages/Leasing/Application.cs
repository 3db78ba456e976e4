namespace Orchestration.Messages.Leasing;

/// <summary>Starts the lease-signing process; <see cref="LeaseId"/> identifies the lease from here on.</summary>
public sealed record SubmitLeaseApplication
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }
    public required string ApplicantEmail { get; init; }
    public required Money MonthlyRent { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required DateOnly LeaseStart { get; init; }
    public required DateOnly LeaseEnd { get; init; }

    /// <summary>What the lease charges every month besides the rent; absent from commands sent before it was added.</summary>
    public IReadOnlyList<RecurringCharge>? RecurringCharges { get; init; }
}

/// <summary>
/// A charge a lease carries every month besides the rent (parking, a pet fee...), in the rent's currency.
/// <see cref="Kind"/> is one of <see cref="RecurringChargeKinds"/>.
/// </summary>
public sealed record RecurringCharge
{
    public required string Kind { get; init; }
    public string? Description { get; init; }
    public required Money Amount { get; init; }
}

public static class RecurringChargeKinds
{
    public static readonly IReadOnlyList<string> All = ["parking", "pet", "storage", "utilities", "other"];
}

public sealed record LeaseApplicationSubmitted
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }

    /// <summary>Absent from events published before it was added.</summary>
    public string? ApplicantEmail { get; init; }

    public required Money MonthlyRent { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required DateOnly LeaseStart { get; init; }
    public required DateOnly LeaseEnd { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>Keeps the unit off the market while the application is in progress. Repeating it for the same lease is harmless.</summary>
public sealed record HoldUnit
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
}

/// <summary>Returns the unit to the market; releasing a hold that no longer exists is harmless.</summary>
public sealed record ReleaseUnitHold
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required string Reason { get; init; }
}

public sealed record LeaseApplicationDeclined
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ScreeningId { get; init; }
    public string? Reason { get; init; }
    public required DateTimeOffset DeclinedAt { get; init; }
}
