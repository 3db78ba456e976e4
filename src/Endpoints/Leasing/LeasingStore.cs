using Dapper;

namespace Orchestration.Endpoints.Leasing;

/// <summary>A lease's envelope as Leasing knows it: created (id and signing URL), voided (when, why), or both.</summary>
public sealed record EnvelopeRecord(Guid LeaseId, string? EnvelopeId, string? SigningUrl, DateTimeOffset? VoidedAt, string? VoidReason = null);

/// <summary>A rendered lease, kept until it goes into an envelope.</summary>
public sealed record StoredLeaseDocument(Guid DocumentId, Guid LeaseId, string Name, string Content);

/// <summary>
/// The SQL of Leasing, in one place. Every method runs on the handler's <see cref="SqlSession"/>: inside the transaction
/// that also marks the incoming message handled and stores what it publishes, or, for a consumer that calls a provider,
/// in one of its short steps (<see cref="SqlSession.StepAsync{T}"/>) or deferred to that final transaction.
/// </summary>
public sealed class LeasingStore(SqlStorage storage)
{
    readonly string _screenings = storage.Table("screenings");
    readonly string _documents = storage.Table("lease_documents");
    readonly string _envelopes = storage.Table("envelopes");
    readonly string _unitHolds = storage.Table("unit_holds");

    public Task<string?> FindScreeningAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<string?>(session.Command(
            $"SELECT screening_id FROM {_screenings} WHERE lease_id = @leaseId", new { leaseId }, cancellationToken));

    /// <summary>Records the provider's screening for the lease, with the commit that marks the command handled.</summary>
    public void RecordScreening(SqlSession session, Guid leaseId, string screeningId, long now) =>
        session.Defer($"""
            INSERT INTO {_screenings} (lease_id, screening_id, requested_at) VALUES (@lease_id, @screening_id, @now)
            ON CONFLICT (lease_id) DO NOTHING
            """)
            .With("@lease_id", leaseId).With("@screening_id", screeningId).With("@now", now);

    public async Task SaveDocumentAsync(SqlSession session, StoredLeaseDocument document, long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_documents} (document_id, lease_id, name, content, prepared_at) VALUES (@DocumentId, @LeaseId, @Name, @Content, @now)
            ON CONFLICT (document_id) DO NOTHING
            """, new { document.DocumentId, document.LeaseId, document.Name, document.Content, now }, cancellationToken));

    public Task<StoredLeaseDocument?> FindDocumentAsync(SqlSession session, Guid documentId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<StoredLeaseDocument?>(session.Command(
            $"SELECT document_id, lease_id, name, content FROM {_documents} WHERE document_id = @documentId", new { documentId }, cancellationToken));

    public Task<EnvelopeRecord?> FindEnvelopeAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<EnvelopeRecord?>(session.Command(
            $"SELECT lease_id, envelope_id, signing_url, voided_at, void_reason FROM {_envelopes} WHERE lease_id = @leaseId", new { leaseId },
            cancellationToken));

    /// <summary>
    /// Records the envelope created for the lease and returns why the lease was voided, if it was: a void handled while
    /// the envelope was being created found no envelope to void, and this one must be voided now.
    /// </summary>
    public Task<string?> RecordEnvelopeAsync(SqlSession session, Guid leaseId, string envelopeId, string signingUrl, long now,
        CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<string?>(session.Command($"""
            INSERT INTO {_envelopes} (lease_id, envelope_id, signing_url, created_at) VALUES (@leaseId, @envelopeId, @signingUrl, @now)
            ON CONFLICT (lease_id) DO UPDATE SET envelope_id = @envelopeId, signing_url = @signingUrl, created_at = @now
            RETURNING void_reason
            """, new { leaseId, envelopeId, signingUrl, now }, cancellationToken));

    /// <summary>Records the landlord's countersignature, with the commit that marks the command handled.</summary>
    public void MarkCountersigned(SqlSession session, Guid leaseId, long now) =>
        session.Defer($"UPDATE {_envelopes} SET countersigned_at = @now WHERE lease_id = @lease_id AND countersigned_at IS NULL")
            .With("@lease_id", leaseId).With("@now", now);

    /// <summary>
    /// Marks the lease's envelope voided, creating the row when no envelope exists yet, so that a request for the
    /// tenant's signature still on its way (or redelivered) finds the lease voided and creates nothing.
    /// </summary>
    public async Task MarkVoidedAsync(SqlSession session, Guid leaseId, string reason, long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_envelopes} (lease_id, voided_at, void_reason) VALUES (@leaseId, @now, @reason)
            ON CONFLICT (lease_id) DO UPDATE SET voided_at = @now, void_reason = @reason
            """, new { leaseId, reason, now }, cancellationToken));

    /// <summary>Holds the unit for the lease unless it is already held; returns the lease that holds it afterwards.</summary>
    public async Task<Guid> HoldUnitAsync(SqlSession session, Guid unitId, Guid propertyId, Guid leaseId, long now, CancellationToken cancellationToken)
    {
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_unitHolds} (unit_id, property_id, lease_id, held_at) VALUES (@unitId, @propertyId, @leaseId, @now)
            ON CONFLICT (unit_id) DO NOTHING
            """, new { unitId, propertyId, leaseId, now }, cancellationToken));
        return await FindUnitHolderAsync(session, unitId, cancellationToken)
            ?? throw new InvalidOperationException($"Unit {unitId} has no hold right after it was held.");
    }

    /// <summary>Releases the unit's hold if this lease has it; false when there was none (a hold of another lease stays).</summary>
    public async Task<bool> ReleaseUnitAsync(SqlSession session, Guid unitId, Guid leaseId, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command(
            $"DELETE FROM {_unitHolds} WHERE unit_id = @unitId AND lease_id = @leaseId", new { unitId, leaseId }, cancellationToken)) == 1;

    /// <summary>The lease holding the unit, if any.</summary>
    public async Task<Guid?> FindUnitHolderAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<UnitHold>(session.Command(
            $"SELECT lease_id FROM {_unitHolds} WHERE unit_id = @unitId", new { unitId }, cancellationToken)))?.LeaseId;

    /// <summary>
    /// The holder as a row: Dapper turns a lone value into a <see cref="Guid"/> without <see cref="SqlColumnTypes"/>, which
    /// SQLite's bytes need.
    /// </summary>
    sealed record UnitHold(Guid LeaseId);
}
