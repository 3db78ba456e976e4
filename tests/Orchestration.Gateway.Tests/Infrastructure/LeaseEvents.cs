namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>Leasing's events for one lease, as the lease-signing saga publishes them on its way to Active.</summary>
public sealed class LeaseEvents(Guid leaseId, Guid propertyId, Guid unitId, Guid tenantId)
{
    public static readonly DateTimeOffset Start = new(2027, 1, 10, 9, 0, 0, TimeSpan.Zero);

    // The terms applied for are the terms activated: a year from February 2027, the deposit one month's rent.
    static readonly Money Rent = new(2400m, "USD");
    static readonly DateOnly LeaseStart = new(2027, 2, 1);
    static readonly DateOnly LeaseEnd = new(2028, 1, 31);

    public Guid LeaseId { get; } = leaseId;
    public Guid PropertyId { get; } = propertyId;

    /// <summary>Step <paramref name="sequence"/> (from 1) of <see cref="LeaseSteps.WayToActive"/>, one minute after the previous one.</summary>
    public LeaseSigningProgressed Step(int sequence)
    {
        var (step, state) = LeaseSteps.WayToActive[sequence - 1];
        return Step(sequence, step, state);
    }

    public LeaseSigningProgressed Step(int sequence, string step, string state, string? detail = null) => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId,
        State = state, Step = step, Sequence = sequence, OccurredAt = Start.AddMinutes(sequence), Detail = detail,
    };

    public LeaseApplicationSubmitted Submitted(string name = "Ada Lovelace", string? email = "ada@example.com") => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, ApplicantId = tenantId,
        ApplicantName = name, ApplicantEmail = email,
        MonthlyRent = Rent, SecurityDeposit = Rent, LeaseStart = LeaseStart, LeaseEnd = LeaseEnd,
        SubmittedAt = Start,
    };

    public LeaseActivated Activated() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, TenantId = tenantId,
        MonthlyRent = Rent, SecurityDeposit = Rent, LeaseStart = LeaseStart, LeaseEnd = LeaseEnd,
        ActivatedAt = Start.AddMinutes(8),
    };

    public LeaseApplicationDeclined Declined() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, ApplicantId = tenantId,
        ScreeningId = "scr_77", Reason = "Insufficient verifiable income", DeclinedAt = Start.AddMinutes(2),
    };

    public LeaseOfferLapsed Lapsed() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, ApplicantId = tenantId,
        RemindersSent = 3, LapsedAt = Start.AddDays(7),
    };

    public LeaseCancelled Cancelled() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, ApplicantId = tenantId,
        Reason = "Applicant withdrew", CancelledBy = "pm@example.com", CancelledDuring = "AwaitingLeaseDocument",
        CancelledAt = Start.AddMinutes(3),
    };
}
