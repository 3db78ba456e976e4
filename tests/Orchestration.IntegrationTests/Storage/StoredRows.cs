namespace Orchestration.IntegrationTests.Storage;

/// <summary>Rows the storage tests start from, written as the platform writes them.</summary>
static class StoredRows
{
    /// <summary>A stored message as the outbox or the scheduler keeps it; where it would go does not matter here.</summary>
    public static StoredMessage Message() => new()
    {
        MessageId = NewId.NextGuid(),
        ContentType = "application/vnd.masstransit+json",
        MessageType = "urn:message:Orchestration:Probe",
        Body = "{}",
        DestinationAddress = new Uri("queue:somewhere"),
        SentTime = DateTime.UtcNow,
    };

    /// <summary>Bus outbox transactions, each created at its time (Unix milliseconds), committed together.</summary>
    public static async Task InsertOutboxStatesAsync(SqlStorage storage, params (Guid Id, long CreatedAt)[] states)
    {
        var store = new OutboxStore(storage);
        await using var session = new SqlSession(storage);
        await session.BeginAsync(default);
        foreach (var (id, createdAt) in states)
            await store.InsertOutboxStateAsync(session, id, createdAt, default);
        await session.CommitAsync(default);
    }
}
