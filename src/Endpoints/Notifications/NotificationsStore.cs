using Dapper;
using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications;

/// <summary>An email the Pickup provider stored instead of sending, as the query API returns it.</summary>
public sealed record PickedUpEmail(
    string MessageId,
    string DeduplicationKey,
    Guid LeaseId,
    string Email,
    string From,
    string To,
    string ToName,
    string Subject,
    string Text,
    string Html,
    DateTimeOffset StoredAt);

/// <summary>What an attempt to send an email found when it claimed it (<see cref="NotificationsStore.ClaimAsync"/>).</summary>
public enum DeliveryClaimState
{
    /// <summary>Claimed now by this attempt: it is to send the email.</summary>
    Claimed,

    /// <summary>The provider accepted it already.</summary>
    Sent,

    /// <summary>
    /// An earlier attempt claimed it and has not recorded it accepted: it is still sending it, or it ended (a crash, a
    /// stop, a failed send or commit) without anyone knowing whether the provider took it.
    /// </summary>
    Unfinished,
}

/// <summary>The claim an attempt found: its state, and for an unfinished one when and by which process it was made.</summary>
public sealed record DeliveryClaim(DeliveryClaimState State, long ClaimedAt = 0, Guid? IncomingMessageId = null, string? ClaimedBy = null);

/// <summary>The SQL of Notifications, in one place.</summary>
public sealed class NotificationsStore(SqlStorage storage)
{
    readonly string _deliveries = storage.Table("deliveries");
    readonly string _pickup = storage.Table("pickup");

    /// <summary>
    /// Claims the email for this attempt, in a step committed before the provider is called, so that any other attempt
    /// (a copy of the command under any message id, a redelivery) finds it claimed. <paramref name="claimedBy"/> names
    /// the claiming process, so that process can tell its own ended attempts from another's.
    /// </summary>
    public async Task<DeliveryClaim> ClaimAsync(SqlSession session, OutgoingEmail email, string provider, Guid? incomingMessageId, string claimedBy,
        long now, CancellationToken cancellationToken)
    {
        if (await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_deliveries} (deduplication_key, lease_id, email, message_id, provider, incoming_message_id, sent_at, claimed_by)
            VALUES (@DeduplicationKey, @LeaseId, @email, @MessageId, @provider, @incomingMessageId, @now, @claimedBy)
            ON CONFLICT (deduplication_key) DO NOTHING
            """, new { email.DeduplicationKey, email.LeaseId, email = email.Email.ToString(), email.MessageId, provider, incomingMessageId, now, claimedBy },
            cancellationToken)) == 1)
        {
            return new DeliveryClaim(DeliveryClaimState.Claimed);
        }

        var existing = await session.Connection.QuerySingleAsync<DeliveryRow>(session.Command(
            $"SELECT accepted_at, sent_at, incoming_message_id, claimed_by FROM {_deliveries} WHERE deduplication_key = @DeduplicationKey", new { email.DeduplicationKey },
            cancellationToken));
        return existing.AcceptedAt is not null
            ? new DeliveryClaim(DeliveryClaimState.Sent)
            : new DeliveryClaim(DeliveryClaimState.Unfinished, existing.SentAt, existing.IncomingMessageId, existing.ClaimedBy);
    }

    /// <summary>
    /// Takes an unfinished claim over for this attempt, if it is still the one <paramref name="found"/> describes: of two
    /// attempts taking over the same claim, one wins.
    /// </summary>
    public async Task<bool> TakeOverAsync(SqlSession session, string deduplicationKey, DeliveryClaim found, Guid? incomingMessageId, string claimedBy,
        long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_deliveries} SET incoming_message_id = @incomingMessageId, sent_at = @now, claimed_by = @claimedBy
            WHERE deduplication_key = @deduplicationKey AND accepted_at IS NULL AND sent_at = @claimedAt
            """, new { deduplicationKey, incomingMessageId, now, claimedBy, claimedAt = found.ClaimedAt }, cancellationToken)) == 1;

    /// <summary>
    /// Records that the provider accepted the email, and its own id for it (SendGrid's X-Message-Id, for tracing it in
    /// the provider's logs), with the commit that marks the command handled.
    /// </summary>
    public void RecordAccepted(SqlSession session, string deduplicationKey, string? providerMessageId, long now) =>
        session.Defer($"UPDATE {_deliveries} SET accepted_at = @now, provider_message_id = @provider_message_id WHERE deduplication_key = @key")
            .With("@now", now).With("@provider_message_id", providerMessageId).With("@key", deduplicationKey);

    /// <summary>Stores the email as the Pickup provider's "sending", with the commit that marks the command handled.</summary>
    public Task StorePickupAsync(SqlSession session, OutgoingEmail email, long now, CancellationToken cancellationToken)
    {
        session.Defer($"""
            INSERT INTO {_pickup} (message_id, deduplication_key, lease_id, email, from_address, to_address, to_name, subject, text_body, html_body, stored_at)
            VALUES (@message_id, @key, @lease_id, @email, @from, @to, @to_name, @subject, @text, @html, @now)
            ON CONFLICT (message_id) DO NOTHING
            """)
            .With("@message_id", email.MessageId).With("@key", email.DeduplicationKey).With("@lease_id", email.LeaseId)
            .With("@email", email.Email.ToString()).With("@from", email.From.ToString()).With("@to", email.To.Address)
            .With("@to_name", email.To.DisplayName).With("@subject", email.Subject).With("@text", email.Text).With("@html", email.Html)
            .With("@now", now);
        return Task.CompletedTask;
    }

    /// <summary>The newest stored emails, of one lease or of all, oldest first.</summary>
    public async Task<List<PickedUpEmail>> ListPickupAsync(Guid? leaseId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PickupRow>(new CommandDefinition($"""
            SELECT message_id, deduplication_key, lease_id, email, from_address, to_address, to_name, subject, text_body, html_body, stored_at
            FROM {_pickup} {(leaseId is null ? "" : "WHERE lease_id = @leaseId")}
            ORDER BY id DESC LIMIT @limit
            """, new { leaseId, limit }, cancellationToken: cancellationToken));
        return [.. rows.Reverse().Select(row => row.Record)];
    }

    /// <summary>A delivery as an attempt finds it when its own claim found the row taken; times in Unix milliseconds.</summary>
    sealed record DeliveryRow(long? AcceptedAt, long SentAt, Guid? IncomingMessageId, string? ClaimedBy);

    /// <summary>A row of <c>pickup</c>, whose columns say what each address and body is.</summary>
    sealed record PickupRow(
        string MessageId, string DeduplicationKey, Guid LeaseId, string Email, string FromAddress, string ToAddress, string ToName, string Subject,
        string TextBody, string HtmlBody, DateTimeOffset StoredAt)
    {
        public PickedUpEmail Record => new(MessageId, DeduplicationKey, LeaseId, Email, FromAddress, ToAddress, ToName, Subject, TextBody, HtmlBody, StoredAt);
    }
}
