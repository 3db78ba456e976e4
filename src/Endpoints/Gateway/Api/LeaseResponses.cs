using System.Text.Json.Serialization;

namespace Orchestration.Endpoints.Gateway.Api;

public sealed record TenantSummary(Guid? TenantId, string? Name, string? Email);

public sealed record TimelineStep(int Sequence, string State, string Step, DateTimeOffset OccurredAt, string? Detail);

/// <summary>A lease as the portal shows it; <see cref="Timeline"/> only on the lease's own page, not in lists.</summary>
public sealed record LeaseResponse(
    Guid LeaseId,
    string State,
    Guid PropertyId,
    Guid UnitId,
    TenantSummary Tenant,
    Money? MonthlyRent,
    Money? SecurityDeposit,
    DateOnly? LeaseStart,
    DateOnly? LeaseEnd,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TimelineStep>? Timeline = null)
{
    /// <summary>The lease as a reader sees it; without <paramref name="contact"/> the tenant's email address is left out.</summary>
    public static LeaseResponse From(LeaseRecord lease, IReadOnlyList<TimelineEntry>? timeline = null, bool contact = true) => new(
        lease.LeaseId,
        lease.State,
        lease.PropertyId,
        lease.UnitId,
        new TenantSummary(lease.TenantId, lease.TenantName, contact ? lease.TenantEmail : null),
        lease.MonthlyRent,
        lease.SecurityDeposit,
        lease.LeaseStart,
        lease.LeaseEnd,
        lease.SubmittedAt,
        lease.UpdatedAt,
        timeline?.Select(t => new TimelineStep(t.Sequence, t.State, t.Step, t.OccurredAt, t.Detail)).ToList());
}

public sealed record TenantDetails(
    Guid TenantId,
    string Name,
    string? Email,
    string Status,
    Guid? CurrentLeaseId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<LeaseResponse> Leases);
