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

/// <summary>The SQL of Notifications, in one place.</summary>
public sealed class NotificationsStore(SqlStorage storage)
{
    readonly string _deliveries = storage.Table("deliveries");
    readonly string _pickup = storage.Table("pickup");

    /// <summary>
    /// Records the email as sent, unless its deduplication key already is; false when it is. Inside the handler's
    /// transaction the new row holds the key, so a concurrent copy of the command waits here until this one commits (and
    /// then finds the key taken) or rolls back (and then sends the email itself).
    /// </summary>
    public async Task<bool> TryClaimAsync(SqlSession session, OutgoingEmail email, string provider, Guid? incomingMessageId, long now,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_deliveries} (deduplication_key, lease_id, email, message_id, provider, incoming_message_id, sent_at)
            VALUES (@key, @lease_id, @email, @message_id, @provider, @incoming_message_id, @now)
            ON CONFLICT (deduplication_key) DO NOTHING
            """)
            .With("@key", email.DeduplicationKey).With("@lease_id", email.LeaseId).With("@email", email.Email.ToString())
            .With("@message_id", email.MessageId).With("@provider", provider).With("@incoming_message_id", incomingMessageId).With("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Keeps the provider's own id for the email (SendGrid's X-Message-Id), for tracing it in the provider's logs.</summary>
    public async Task RecordProviderMessageIdAsync(SqlSession session, string deduplicationKey, string? providerMessageId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_deliveries} SET provider_message_id = @provider_message_id WHERE deduplication_key = @key")
            .With("@provider_message_id", providerMessageId).With("@key", deduplicationKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task StorePickupAsync(SqlSession session, OutgoingEmail email, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_pickup} (message_id, deduplication_key, lease_id, email, from_address, to_address, to_name, subject, text_body, html_body, stored_at)
            VALUES (@message_id, @key, @lease_id, @email, @from, @to, @to_name, @subject, @text, @html, @now)
            ON CONFLICT (message_id) DO NOTHING
            """)
            .With("@message_id", email.MessageId).With("@key", email.DeduplicationKey).With("@lease_id", email.LeaseId)
            .With("@email", email.Email.ToString()).With("@from", email.From.ToString()).With("@to", email.To.Address)
            .With("@to_name", email.To.DisplayName).With("@subject", email.Subject).With("@text", email.Text).With("@html", email.Html)
            .With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
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
