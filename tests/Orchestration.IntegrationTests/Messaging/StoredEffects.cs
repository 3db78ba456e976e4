using Orchestration.IntegrationTests.Storage;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// Rows as a handler, a bus-outbox transaction or the scheduler leave them, written straight into a test endpoint's
/// schema, for states that the running endpoint alone would not reach in a test (a crash-left output whose incoming
/// message is gone, a row the broker can never take).
/// </summary>
static class StoredEffects
{
    public const string Unreachable = "unknown-scheme://nowhere/at-all";
    public const string EffectRecordedExchange = "exchange:Orchestration.TestEndpoint.Contracts:EffectRecorded";

    /// <summary>A published <c>EffectRecorded</c>, serialized as MassTransit stores it.</summary>
    public static StoredMessage EffectRecorded(Guid effectId, string destination = EffectRecordedExchange)
    {
        var messageId = NewId.NextGuid();
        const string type = "urn:message:Orchestration.TestEndpoint.Contracts:EffectRecorded";
        return new StoredMessage
        {
            MessageId = messageId,
            ContentType = "application/vnd.masstransit+json",
            MessageType = type,
            Body = JsonSerializer.Serialize(new { messageId, messageType = new[] { type }, message = new { effectId }, sentTime = DateTime.UtcNow }),
            DestinationAddress = new Uri(destination),
            SentTime = DateTime.UtcNow,
        };
    }

    public static SqlStorage Storage(BusWorld world) => TestServers.Postgres(world.Schema);

    /// <summary>A message consumed long ago whose output never reached the broker, and no copy of it left in any queue.</summary>
    public static async Task<Guid> CrashLeftOutputAsync(BusWorld world, StoredMessage output, TimeSpan age)
    {
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());
        var consumed = (DateTimeOffset.UtcNow - age).ToUnixTimeMilliseconds();
        var store = new OutboxStore(Storage(world));
        await StoredRows.CommitAsync(store.Storage, async session =>
        {
            await store.ReceiveAsync(session, messageId, consumerId, consumed, default);
            store.DeferConsumed(session, [output], messageId, consumerId, consumed, delivered: false);
        });
        return messageId;
    }

    /// <summary>A committed bus-outbox transaction holding one message, created at <paramref name="created"/>.</summary>
    public static async Task<Guid> BusOutboxTransactionAsync(BusWorld world, StoredMessage message, DateTimeOffset created)
    {
        var outboxId = NewId.NextGuid();
        var store = new OutboxStore(Storage(world));
        await StoredRows.CommitAsync(store.Storage, async session =>
        {
            await store.InsertOutboxStateAsync(session, outboxId, created.ToUnixTimeMilliseconds(), default);
            await store.InsertAsync(session, [message], null, null, outboxId, default);
        });
        return outboxId;
    }

    public static async Task<Guid> ScheduledAsync(BusWorld world, StoredMessage message, long dueAt)
    {
        var tokenId = NewId.NextGuid();
        var store = new SchedulerStore(Storage(world));
        await StoredRows.CommitAsync(store.Storage, session =>
            store.ScheduleAsync(session, tokenId, dueAt, message, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), default));
        return tokenId;
    }
}
