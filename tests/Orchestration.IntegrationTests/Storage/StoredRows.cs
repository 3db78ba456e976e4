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
    public static Task InsertOutboxStatesAsync(SqlStorage storage, params (Guid Id, long CreatedAt)[] states)
    {
        var store = new OutboxStore(storage);
        return CommitAsync(storage, async session =>
        {
            foreach (var (id, createdAt) in states)
                await store.InsertOutboxStateAsync(session, id, createdAt, default);
        });
    }

    /// <summary>
    /// Messages the consumer took in, each at its time (Unix milliseconds), whose <paramref name="outputs"/> never went
    /// out: what a crash between commit and delivery leaves. Committed together.
    /// </summary>
    public static Task InsertCrashLeftAsync(SqlStorage storage, Guid consumer, Func<StoredMessage[]> outputs,
        params (Guid Id, long ConsumedAt)[] messages)
    {
        var store = new OutboxStore(storage);
        return CommitAsync(storage, async session =>
        {
            foreach (var (id, consumedAt) in messages)
            {
                await store.ReceiveAsync(session, id, consumer, consumedAt, default);
                store.DeferConsumed(session, outputs(), id, consumer, consumedAt, delivered: false);
            }
        });
    }

    /// <summary>Writes in one transaction of a session, as the platform's own writes go in.</summary>
    public static async Task CommitAsync(SqlStorage storage, Func<SqlSession, Task> write)
    {
        await using var session = new SqlSession(storage);
        await session.BeginAsync(default);
        await write(session);
        await session.CommitAsync(default);
    }
}
