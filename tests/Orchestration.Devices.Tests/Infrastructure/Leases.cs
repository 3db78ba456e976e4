namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>Access-code commands for one made-up lease, as the lease-signing saga sends them.</summary>
public sealed class Leases : TestLease
{
    public IssueAccessCode IssueAccessCode() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = UnitId, TenantId = ApplicantId,
        ValidFrom = new DateOnly(2027, 1, 1), ValidThrough = new DateOnly(2027, 12, 31),
    };

    public RevokeAccessCode RevokeAccessCode(Guid? accessCodeId = null) => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = UnitId, AccessCodeId = accessCodeId, Reason = "Lease cancelled",
    };
}
