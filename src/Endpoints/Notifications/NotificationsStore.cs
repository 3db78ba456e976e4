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

/// <summary>What a copy of a send-email command found when it claimed the email (<see cref="NotificationsStore.ClaimAsync"/>).</summary>
public enum DeliveryClaim
{
    /// <summary>This message is to send it: claimed now, or claimed by this message before and never completed.</summary>
    Claimed,

    /// <summary>The provider accepted it already.</summary>
    Sent,

    /// <summary>Another message claimed it and is sending it, or will send it again when it is redelivered.</summary>
    ClaimedByAnother,
}

/// <summary>The SQL of Notifications, in one place.</summary>
public sealed class NotificationsStore(SqlStorage storage)
{
    readonly string _deliveries = storage.Table("deliveries");
    readonly string _pickup = storage.Table("pickup");

    /// <summary>
    /// Claims the email for sending by this message, in a step committed before the provider is called, so that a copy of
    /// the command handled meanwhile, under any message id, finds it claimed. A claim of this same message that was never
    /// completed (the process died, the commit or the provider call failed) is this message's to send again.
    /// </summary>
    public async Task<DeliveryClaim> ClaimAsync(SqlSession session, OutgoingEmail email, string provider, Guid? incomingMessageId, long now,
        CancellationToken cancellationToken)
    {
        if (await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_deliveries} (deduplication_key, lease_id, email, message_id, provider, incoming_message_id, sent_at)
            VALUES (@DeduplicationKey, @LeaseId, @email, @MessageId, @provider, @incomingMessageId, @now)
            ON CONFLICT (deduplication_key) DO NOTHING
            """, new { email.DeduplicationKey, email.LeaseId, email = email.Email.ToString(), email.MessageId, provider, incomingMessageId, now },
            cancellationToken)) == 1)
        {
            return DeliveryClaim.Claimed;
        }

        var existing = await session.Connection.QuerySingleAsync<DeliveryRow>(session.Command(
            $"SELECT accepted_at, incoming_message_id FROM {_deliveries} WHERE deduplication_key = @DeduplicationKey", new { email.DeduplicationKey },
            cancellationToken));
        if (existing.AcceptedAt is not null)
            return DeliveryClaim.Sent;
        return existing.IncomingMessageId is { } claimedBy && incomingMessageId == claimedBy ? DeliveryClaim.Claimed : DeliveryClaim.ClaimedByAnother;
    }

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

    /// <summary>A delivery as a copy of its command finds it when its own claim found the row taken.</summary>
    sealed record DeliveryRow(DateTimeOffset? AcceptedAt, Guid? IncomingMessageId);

    /// <summary>A row of <c>pickup</c>, whose columns say what each address and body is.</summary>
    sealed record PickupRow(
        string MessageId, string DeduplicationKey, Guid LeaseId, string Email, string FromAddress, string ToAddress, string ToName, string Subject,
        string TextBody, string HtmlBody, DateTimeOffset StoredAt)
    {
        public PickedUpEmail Record => new(MessageId, DeduplicationKey, LeaseId, Email, FromAddress, ToAddress, ToName, Subject, TextBody, HtmlBody, StoredAt);
    }
}
