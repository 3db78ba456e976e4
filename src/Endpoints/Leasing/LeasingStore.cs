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

    public async Task<string?> FindScreeningAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT screening_id FROM {_screenings} WHERE lease_id = @lease_id").With("@lease_id", leaseId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Records the provider's screening for the lease, with the commit that marks the command handled.</summary>
    public void RecordScreening(SqlSession session, Guid leaseId, string screeningId, long now) =>
        session.Defer($"""
            INSERT INTO {_screenings} (lease_id, screening_id, requested_at) VALUES (@lease_id, @screening_id, @now)
            ON CONFLICT (lease_id) DO NOTHING
            """)
            .With("@lease_id", leaseId).With("@screening_id", screeningId).With("@now", now);

    public async Task SaveDocumentAsync(SqlSession session, StoredLeaseDocument document, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_documents} (document_id, lease_id, name, content, prepared_at) VALUES (@document_id, @lease_id, @name, @content, @now)
            ON CONFLICT (document_id) DO NOTHING
            """)
            .With("@document_id", document.DocumentId).With("@lease_id", document.LeaseId).With("@name", document.Name)
            .With("@content", document.Content).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredLeaseDocument?> FindDocumentAsync(SqlSession session, Guid documentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT document_id, lease_id, name, content FROM {_documents} WHERE document_id = @document_id")
            .With("@document_id", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredLeaseDocument(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async Task<EnvelopeRecord?> FindEnvelopeAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT lease_id, envelope_id, signing_url, voided_at, void_reason FROM {_envelopes} WHERE lease_id = @lease_id")
            .With("@lease_id", leaseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new EnvelopeRecord(reader.GetGuid(0), reader.GetNullableString(1), reader.GetNullableString(2),
                reader.GetNullableInt64(3) is { } voided ? DateTimeOffset.FromUnixTimeMilliseconds(voided) : null, reader.GetNullableString(4))
            : null;
    }

    /// <summary>
    /// Records the envelope created for the lease and returns why the lease was voided, if it was: a void handled while
    /// the envelope was being created found no envelope to void, and this one must be voided now.
    /// </summary>
    public async Task<string?> RecordEnvelopeAsync(SqlSession session, Guid leaseId, string envelopeId, string signingUrl, long now,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_envelopes} (lease_id, envelope_id, signing_url, created_at) VALUES (@lease_id, @envelope_id, @signing_url, @now)
            ON CONFLICT (lease_id) DO UPDATE SET envelope_id = @envelope_id, signing_url = @signing_url, created_at = @now
            RETURNING void_reason
            """)
            .With("@lease_id", leaseId).With("@envelope_id", envelopeId).With("@signing_url", signingUrl).With("@now", now);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Records the landlord's countersignature, with the commit that marks the command handled.</summary>
    public void MarkCountersigned(SqlSession session, Guid leaseId, long now) =>
        session.Defer($"UPDATE {_envelopes} SET countersigned_at = @now WHERE lease_id = @lease_id AND countersigned_at IS NULL")
            .With("@lease_id", leaseId).With("@now", now);

    /// <summary>
    /// Marks the lease's envelope voided, creating the row when no envelope exists yet, so that a request for the
    /// tenant's signature still on its way (or redelivered) finds the lease voided and creates nothing.
    /// </summary>
    public async Task MarkVoidedAsync(SqlSession session, Guid leaseId, string reason, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_envelopes} (lease_id, voided_at, void_reason) VALUES (@lease_id, @now, @reason)
            ON CONFLICT (lease_id) DO UPDATE SET voided_at = @now, void_reason = @reason
            """)
            .With("@lease_id", leaseId).With("@reason", reason).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Holds the unit for the lease unless it is already held; returns the lease that holds it afterwards.</summary>
    public async Task<Guid> HoldUnitAsync(SqlSession session, Guid unitId, Guid propertyId, Guid leaseId, long now, CancellationToken cancellationToken)
    {
        await using (var insert = session.CreateCommand($"""
            INSERT INTO {_unitHolds} (unit_id, property_id, lease_id, held_at) VALUES (@unit_id, @property_id, @lease_id, @now)
            ON CONFLICT (unit_id) DO NOTHING
            """)
            .With("@unit_id", unitId).With("@property_id", propertyId).With("@lease_id", leaseId).With("@now", now))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var holder = session.CreateCommand($"SELECT lease_id FROM {_unitHolds} WHERE unit_id = @unit_id").With("@unit_id", unitId);
        await using var reader = await holder.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetGuid(0);
    }

    /// <summary>Releases the unit's hold if this lease has it; false when there was none (a hold of another lease stays).</summary>
    public async Task<bool> ReleaseUnitAsync(SqlSession session, Guid unitId, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"DELETE FROM {_unitHolds} WHERE unit_id = @unit_id AND lease_id = @lease_id")
            .With("@unit_id", unitId).With("@lease_id", leaseId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The lease holding the unit, if any.</summary>
    public async Task<Guid?> FindUnitHolderAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT lease_id FROM {_unitHolds} WHERE unit_id = @unit_id").With("@unit_id", unitId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }
}
