namespace Orchestration.Endpoints.Gateway.ReadModels;

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

    public static readonly IReadOnlyList<string> All = [Prospect, Applicant, Active, Former];

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
