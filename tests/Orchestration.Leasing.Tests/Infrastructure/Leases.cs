using Orchestration.Messages;

namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>Commands for one made-up lease, as the lease-signing saga sends them.</summary>
public sealed class Leases : TestLease
{
    public RequestScreening RequestScreening() => new()
    {
        LeaseId = LeaseId, ApplicantId = ApplicantId, ApplicantName = "Ada Lovelace", ApplicantEmail = "ada@example.com",
    };

    public PrepareLeaseDocument PrepareLeaseDocument() => new()
    {
        LeaseId = LeaseId, PropertyId = PropertyId, UnitId = UnitId, ApplicantId = ApplicantId, ApplicantName = "Ada Lovelace",
        MonthlyRent = new Money(1850m, "USD"), SecurityDeposit = new Money(1850m, "USD"),
        LeaseStart = new DateOnly(2027, 1, 1), LeaseEnd = new DateOnly(2027, 12, 31),
    };

    public RequestTenantSignature RequestTenantSignature(Guid documentId) => new()
    {
        LeaseId = LeaseId, DocumentId = documentId, ApplicantId = ApplicantId, ApplicantName = "Ada Lovelace", ApplicantEmail = "ada@example.com",
        OfferExpiresAt = DateTimeOffset.UtcNow.AddDays(7),
    };

    public VoidLeaseSignatures VoidLeaseSignatures(string? envelopeId = null) => new() { LeaseId = LeaseId, EnvelopeId = envelopeId, Reason = "Cancelled by staff" };

    public HoldUnit HoldUnit(Guid unitId) => new() { LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId };

    public ReleaseUnitHold ReleaseUnitHold(Guid unitId) => new() { LeaseId = LeaseId, PropertyId = PropertyId, UnitId = unitId, Reason = "Screening declined" };
}
