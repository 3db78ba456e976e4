using Orchestration.Messages;
using Orchestration.Messages.Leasing;

namespace Orchestration.Endpoints.Gateway.Portal;

public sealed record PropertyRecord(
    Guid PropertyId,
    string Name,
    string AddressLine1,
    string? AddressLine2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A rentable unit. <see cref="LeaseId"/> is the lease that holds or leases it; null while it is vacant.</summary>
public sealed record UnitRecord(
    Guid UnitId,
    Guid PropertyId,
    string Label,
    int Bedrooms,
    decimal Bathrooms,
    int SquareFeet,
    Money MarketRent,
    string Status,
    Guid? LeaseId,
    DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Where the unit stands once <paramref name="lease"/> is in its current state: an application in progress holds a
    /// vacant unit, an active lease leases it, and a lease that ended without starting gives back what it held. A unit
    /// another lease holds or leases is left to that lease.
    /// </summary>
    public UnitRecord Following(LeaseRecord lease)
    {
        var mine = LeaseId == lease.LeaseId;
        return lease.State switch
        {
            LeaseSigningStates.Active when mine || Status != UnitStatus.Leased => this with { Status = UnitStatus.Leased, LeaseId = lease.LeaseId },
            _ when LeaseRecord.HasEnded(lease.State) => mine ? this with { Status = UnitStatus.Vacant, LeaseId = null } : this,
            _ when LeaseId is null && Status == UnitStatus.Vacant => this with { Status = UnitStatus.Held, LeaseId = lease.LeaseId },
            _ => this,
        };
    }
}

public static class UnitStatus
{
    public const string Vacant = "vacant";
    public const string Held = "held";
    public const string Leased = "leased";
}

public sealed record TenantRecord(
    Guid TenantId,
    string Name,
    string? Email,
    Guid? CurrentLeaseId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A tenant's standing, from their leases: <c>active</c> with an active lease, <c>applicant</c> while an application is
/// in progress, <c>former</c> when every lease ended without starting, <c>prospect</c> before the first application.
/// </summary>
public static class TenantStatus
{
    public const string Prospect = "prospect";
    public const string Applicant = "applicant";
    public const string Active = "active";
    public const string Former = "former";

    /// <summary>The status and the lease it is about (the active lease, else the newest application in progress).</summary>
    public static (string Status, Guid? CurrentLeaseId) From(IReadOnlyList<LeaseRecord> leases)
    {
        var newestFirst = leases.OrderByDescending(l => l.SubmittedAt ?? l.UpdatedAt).ToList();
        if (newestFirst.FirstOrDefault(l => l.State == LeaseSigningStates.Active) is { } active)
            return (Active, active.LeaseId);
        if (newestFirst.FirstOrDefault(l => !LeaseSigningStates.IsFinal(l.State)) is { } applying)
            return (Applicant, applying.LeaseId);
        return (newestFirst.Count > 0 ? Former : Prospect, null);
    }
}

public sealed record TimelineEntry(int Sequence, string State, string Step, DateTimeOffset OccurredAt, string? Detail);
