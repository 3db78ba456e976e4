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
        await using (var insert = session.CreateCommand($"""
            INSERT INTO {_deliveries} (deduplication_key, lease_id, email, message_id, provider, incoming_message_id, sent_at)
            VALUES (@key, @lease_id, @email, @message_id, @provider, @incoming_message_id, @now)
            ON CONFLICT (deduplication_key) DO NOTHING
            """)
            .With("@key", email.DeduplicationKey).With("@lease_id", email.LeaseId).With("@email", email.Email.ToString())
            .With("@message_id", email.MessageId).With("@provider", provider).With("@incoming_message_id", incomingMessageId).With("@now", now))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                return DeliveryClaim.Claimed;
        }

        await using var existing = session.CreateCommand($"SELECT accepted_at, incoming_message_id FROM {_deliveries} WHERE deduplication_key = @key")
            .With("@key", email.DeduplicationKey);
        await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.IsDBNull(0))
            return DeliveryClaim.Sent;
        return !reader.IsDBNull(1) && incomingMessageId == reader.GetGuid(1) ? DeliveryClaim.Claimed : DeliveryClaim.ClaimedByAnother;
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
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT message_id, deduplication_key, lease_id, email, from_address, to_address, to_name, subject, text_body, html_body, stored_at
            FROM {_pickup} {(leaseId is null ? "" : "WHERE lease_id = @lease_id")}
            ORDER BY id DESC LIMIT @limit
            """;
        command.With("@limit", limit);
        if (leaseId is { } lease)
            command.With("@lease_id", lease);
        var emails = new List<PickedUpEmail>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            emails.Add(new PickedUpEmail(reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }

        emails.Reverse();
        return emails;
    }
}
