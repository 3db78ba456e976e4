using Dapper;

namespace Orchestration.Endpoints.Gateway.Webhooks;

public sealed class WebhookReceiptStore(SqlStorage storage)
{
    readonly string _insert = $"""
        INSERT INTO {storage.Table("webhook_receipts")} (provider, event_id, type, received_at, payload)
        VALUES (@provider, @eventId, @type, @receivedAt, @payload)
        ON CONFLICT (provider, event_id) DO NOTHING
        """;

    /// <summary>Records the delivery in the session's transaction; false when the event had been received before.</summary>
    public async Task<bool> TryRecordAsync(SqlSession session, string provider, string eventId, string type, DateTimeOffset receivedAt, string payload,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command(_insert, new { provider, eventId, type, receivedAt, payload }, cancellationToken)) == 1;

    /// <summary>Forgets receipts recorded before the cutoff; returns how many.</summary>
    public async Task<int> RemoveReceivedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {storage.Table("webhook_receipts")} WHERE received_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
    }
}
