namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>
/// The read model of one lease, built from the application the Gateway accepted and the events Leasing publishes.
/// Each <c>With…</c> method applies one event and returns the lease unchanged when the event tells it nothing new, so
/// applying an event twice, or an old one late, changes nothing.
/// </summary>
public sealed record LeaseRecord(
    Guid LeaseId,
    Guid PropertyId,
    Guid UnitId,
    Guid? TenantId,
    string? TenantName,
    string? TenantEmail,
    Money? MonthlyRent,
    Money? SecurityDeposit,
    DateOnly? LeaseStart,
    DateOnly? LeaseEnd,
    string State,
    int LastSequence,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The state of an application the Gateway has accepted and Leasing has not announced yet.</summary>
    public const string Submitted = "Submitted";

    /// <summary>Every state a lease is listed in: accepted, the lease-signing saga's states, and the final ones.</summary>
    public static readonly IReadOnlyList<string> States =
    [
        Submitted, "AwaitingScreening", "AwaitingLeaseDocument", "AwaitingTenantSignature", "AwaitingCountersignature", "AwaitingMoveInFunds",
        "AwaitingAccessCode", LeaseSigningStates.Active, LeaseSigningStates.Declined, LeaseSigningStates.Lapsed, LeaseSigningStates.Cancelled,
    ];

    /// <summary>A lease first heard of through one of Leasing's events rather than through the Gateway.</summary>
    public static LeaseRecord FirstHeardOf(Guid leaseId, Guid propertyId, Guid unitId, DateTimeOffset at) =>
        new(leaseId, propertyId, unitId, null, null, null, null, null, null, null, Submitted, 0, null, at);

    /// <summary>True for the states a lease ends in without having started: it no longer holds its unit.</summary>
    public static bool HasEnded(string state) => LeaseSigningStates.IsFinal(state) && state != LeaseSigningStates.Active;

    public bool IsFinal => LeaseSigningStates.IsFinal(State);

    /// <summary>
    /// A step newer than any applied so far moves the state on. A final state stays: nothing follows it in Leasing,
    /// and the domain event that announced it may have arrived before the steps that led there.
    /// </summary>
    public LeaseRecord With(LeaseSigningProgressed step) =>
        step.Sequence <= LastSequence ? this
        : IsFinal ? this with { LastSequence = step.Sequence }
        : this with { LastSequence = step.Sequence, State = step.State, UpdatedAt = step.OccurredAt };

    public LeaseRecord With(LeaseApplicationSubmitted submitted) => this with
    {
        PropertyId = submitted.PropertyId,
        UnitId = submitted.UnitId,
        TenantId = submitted.ApplicantId,
        TenantName = submitted.ApplicantName,
        TenantEmail = submitted.ApplicantEmail ?? TenantEmail,
        MonthlyRent = submitted.MonthlyRent,
        SecurityDeposit = submitted.SecurityDeposit,
        LeaseStart = submitted.LeaseStart,
        LeaseEnd = submitted.LeaseEnd,
        SubmittedAt = SubmittedAt ?? submitted.SubmittedAt,
    };

    public LeaseRecord With(LeaseActivated activated) => (this with
    {
        TenantId = TenantId ?? activated.TenantId,
        MonthlyRent = activated.MonthlyRent,
        SecurityDeposit = activated.SecurityDeposit,
        LeaseStart = activated.LeaseStart,
        LeaseEnd = activated.LeaseEnd,
    }).EndedAs(LeaseSigningStates.Active, activated.ActivatedAt);

    /// <summary>The lease reached a final state; the first final state announced is the one that stays.</summary>
    public LeaseRecord EndedAs(string state, DateTimeOffset at) => IsFinal ? this : this with { State = state, UpdatedAt = at };
}

public sealed record TimelineEntry(int Sequence, string State, string Step, DateTimeOffset OccurredAt, string? Detail);
