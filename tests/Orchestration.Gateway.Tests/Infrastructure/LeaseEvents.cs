namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>Leasing's events for one lease, as the lease-signing saga publishes them on its way to Active.</summary>
public sealed class LeaseEvents(Guid leaseId, Guid propertyId, Guid unitId, Guid tenantId)
{
    public static readonly DateTimeOffset Start = new(2027, 1, 10, 9, 0, 0, TimeSpan.Zero);

    public static readonly (string Step, string State)[] WayToActive =
    [
        ("ApplicationSubmitted", "AwaitingScreening"),
        ("ScreeningPassed", "AwaitingLeaseDocument"),
        ("SentForSignature", "AwaitingTenantSignature"),
        ("SigningLinkSent", "AwaitingTenantSignature"),
        ("TenantSigned", "AwaitingCountersignature"),
        ("LandlordCountersigned", "AwaitingMoveInFunds"),
        ("MoveInFundsReceived", "AwaitingAccessCode"),
        ("LeaseActivated", LeaseSigningStates.Active),
    ];

    public Guid LeaseId { get; } = leaseId;
    public Guid PropertyId { get; } = propertyId;

    /// <summary>Step <paramref name="sequence"/> (from 1) of <see cref="WayToActive"/>, one minute after the previous one.</summary>
    public LeaseSigningProgressed Step(int sequence) => Step(sequence, WayToActive[sequence - 1].Step, WayToActive[sequence - 1].State);

    public LeaseSigningProgressed Step(int sequence, string step, string state, string? detail = null) => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        State = state,
        Step = step,
        Sequence = sequence,
        OccurredAt = Start.AddMinutes(sequence),
        Detail = detail,
    };

    public LeaseApplicationSubmitted Submitted(string name = "Ada Lovelace", string? email = "ada@example.com") => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        ApplicantId = tenantId,
        ApplicantName = name,
        ApplicantEmail = email,
        MonthlyRent = new Money(2400m, "USD"),
        SecurityDeposit = new Money(2400m, "USD"),
        LeaseStart = new DateOnly(2027, 2, 1),
        LeaseEnd = new DateOnly(2028, 1, 31),
        SubmittedAt = Start,
    };

    public LeaseActivated Activated() => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        TenantId = tenantId,
        MonthlyRent = new Money(2400m, "USD"),
        SecurityDeposit = new Money(2400m, "USD"),
        LeaseStart = new DateOnly(2027, 2, 1),
        LeaseEnd = new DateOnly(2028, 1, 31),
        ActivatedAt = Start.AddMinutes(8),
    };

    public LeaseApplicationDeclined Declined() => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        ApplicantId = tenantId,
        ScreeningId = "scr_77",
        Reason = "Insufficient verifiable income",
        DeclinedAt = Start.AddMinutes(2),
    };

    public LeaseOfferLapsed Lapsed() => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        ApplicantId = tenantId,
        RemindersSent = 3,
        LapsedAt = Start.AddDays(7),
    };

    public LeaseCancelled Cancelled() => new()
    {
        LeaseId = LeaseId,
        PropertyId = PropertyId,
        UnitId = unitId,
        ApplicantId = tenantId,
        Reason = "Applicant withdrew",
        CancelledBy = "pm@example.com",
        CancelledDuring = "AwaitingLeaseDocument",
        CancelledAt = Start.AddMinutes(3),
    };
}
