using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// Stores copies taken off error queues and tells readers about each change, in one transaction: the caller acknowledges
/// the copies only once this has committed, so a crash before the commit leaves them on their queue, and one after it
/// leaves a copy the store recognises.
/// </summary>
public sealed class FailedMessageRecorder(SqlSession session, BusOutbox outbox, FailedMessageStore store, TimeProvider time,
    IOptions<FailedMessageOptions> options)
{
    public async Task RecordAsync(IReadOnlyList<ErrorQueueCopy> copies, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await session.BeginAsync(cancellationToken);
        try
        {
            var stored = await store.RecordAsync(session, [.. copies.Select(copy => Failure.From(copy, now))], now, cancellationToken);
            var archived = (await store.ArchiveAsync(session,
                [.. stored.Where(m => settings.Archive.MessageTypes.Contains(m.MessageType, StringComparer.Ordinal)).Select(m => m.MessageId)], now,
                cancellationToken)).ToDictionary(m => m.MessageId);
            foreach (var message in stored)
                await outbox.Publish(archived.GetValueOrDefault(message.MessageId, message).Changed(settings.Retention), cancellationToken);

            await session.CommitAsync(cancellationToken);
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }

    /// <summary>Runs a change of the store and tells readers about every message it changed, in one transaction.</summary>
    public async Task<List<FailedMessageRecord>> ChangeAsync(Func<SqlSession, DateTimeOffset, Task<List<FailedMessageRecord>>> change,
        CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        try
        {
            var changed = await change(session, time.GetUtcNow());
            foreach (var record in changed)
                await outbox.Publish(record.Changed(options.Value.Retention), cancellationToken);
            await session.CommitAsync(cancellationToken);
            return changed;
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}
