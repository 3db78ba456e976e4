namespace Orchestration.Messages.Leasing;

public sealed record PrepareLeaseDocument
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }
    public required Money MonthlyRent { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required DateOnly LeaseStart { get; init; }
    public required DateOnly LeaseEnd { get; init; }
}

public sealed record LeaseDocumentPrepared
{
    public required Guid LeaseId { get; init; }
    public required Guid DocumentId { get; init; }
}

/// <summary>Sends the prepared lease to the applicant for e-signature; the offer stands until <see cref="OfferExpiresAt"/>.</summary>
public sealed record RequestTenantSignature
{
    public required Guid LeaseId { get; init; }
    public required Guid DocumentId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }
    public required string ApplicantEmail { get; init; }
    public required DateTimeOffset OfferExpiresAt { get; init; }
}

/// <summary>The e-signature provider has accepted the request and emailed the applicant.</summary>
public sealed record TenantSignatureRequested
{
    public required Guid LeaseId { get; init; }

    /// <summary>The e-signature provider's reference for the envelope holding the lease.</summary>
    public required string EnvelopeId { get; init; }

    /// <summary>The absolute link where the applicant reviews and signs the lease.</summary>
    public required string SigningUrl { get; init; }
}

/// <summary>
/// The e-signature provider's signed <c>envelope.signed</c> event, as the Gateway received it. Leasing moves the lease on
/// (<see cref="TenantSigned"/>) only when <see cref="EnvelopeId"/> is the envelope it created for the lease.
/// </summary>
public sealed record TenantSignatureReported
{
    /// <summary>The provider's id of the event: what a discrepancy is recorded under.</summary>
    public required string EventId { get; init; }

    public required Guid LeaseId { get; init; }
    public required string EnvelopeId { get; init; }
    public required DateTimeOffset SignedAt { get; init; }

    /// <summary>When the Gateway accepted the delivery.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}

public sealed record TenantSigned
{
    public required Guid LeaseId { get; init; }
    public required string EnvelopeId { get; init; }
    public required DateTimeOffset SignedAt { get; init; }
}

/// <summary>Timeout: the applicant has not signed yet and is due a reminder.</summary>
public sealed record SignatureReminderDue
{
    public required Guid LeaseId { get; init; }
}

/// <summary>Timeout: the applicant did not sign before the offer expired.</summary>
public sealed record LeaseOfferExpired
{
    public required Guid LeaseId { get; init; }
}

public sealed record LeaseOfferLapsed
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required int RemindersSent { get; init; }
    public required DateTimeOffset LapsedAt { get; init; }
}

/// <summary>
/// Voids the lease's e-signature envelope. <see cref="EnvelopeId"/> is null when the provider's reply has not
/// arrived yet, so the handler finds the envelope by lease id and voids whatever exists or is still being created.
/// </summary>
public sealed record VoidLeaseSignatures
{
    public required Guid LeaseId { get; init; }
    public string? EnvelopeId { get; init; }
    public required string Reason { get; init; }
}

public sealed record RequestLandlordCountersignature
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid DocumentId { get; init; }
    public string? EnvelopeId { get; init; }
}

public sealed record LandlordCountersigned
{
    public required Guid LeaseId { get; init; }

    /// <summary>The staff member or landlord who countersigned.</summary>
    public required string CountersignedBy { get; init; }

    public required DateTimeOffset CountersignedAt { get; init; }
}

/// <summary>
/// The e-signature provider's signed <c>envelope.completed</c> event, as the Gateway received it. Leasing records the
/// countersignature (<see cref="LandlordCountersigned"/>) only when <see cref="EnvelopeId"/> is the lease's envelope.
/// </summary>
public sealed record CountersignatureReported
{
    /// <summary>The provider's id of the event: what a discrepancy is recorded under.</summary>
    public required string EventId { get; init; }

    public required Guid LeaseId { get; init; }
    public required string EnvelopeId { get; init; }
    public required string CountersignedBy { get; init; }
    public required DateTimeOffset CountersignedAt { get; init; }

    /// <summary>When the Gateway accepted the delivery.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
