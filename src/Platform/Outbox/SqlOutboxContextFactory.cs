using MassTransit;
using MassTransit.Middleware;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Runs one incoming message through the inbox and outbox, NServiceBus-style: in ONE transaction the inbox row is
/// claimed (a copy already consumed is not handled again), the consumer or saga runs on the same connection, and
/// every message it sends, publishes or schedules is stored; after the commit those messages go to the broker and
/// are then forgotten. A crash between commit and delivery is finished by the redelivered message or by the sweeper.
/// </summary>
public sealed class SqlOutboxContextFactory(SqlSession session, OutboxStore store, SqlOutboxDelivery delivery, IServiceProvider provider, TimeProvider time)
    : IOutboxContextFactory<SqlSession>
{
    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "The outbox needs a MessageId to detect duplicates.");
        var captured = new List<StoredMessage>();
        InboxState state;
        SqlOutboxConsumeContext<T>? handling = null;

        await session.BeginAsync(context.CancellationToken);
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            state = await store.ReceiveAsync(session, messageId, options.ConsumerId, now, context.CancellationToken);
            if (state.Consumed is null)
            {
                handling = new SqlOutboxConsumeContext<T>(context, options, provider, delivery, messageId, state, captured, time);
                await next.Send(handling);

                // Nothing to deliver: the message is finished in the same transaction.
                var nothingToSend = captured.Count == 0;
                await store.InsertAsync(session, captured, messageId, options.ConsumerId, null, context.CancellationToken);
                await store.SetConsumedAsync(session, messageId, options.ConsumerId, now, nothingToSend, context.CancellationToken);
                state = state with { Consumed = now, Delivered = nothingToSend ? now : null };
            }

            await session.CommitAsync(context.CancellationToken);
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
        finally
        {
            handling?.Close();
        }

        if (state.Delivered is null)
            await Pass(state);

        await Pass(state with { Delivered = state.Delivered ?? 0 });

        async Task Pass(InboxState current)
        {
            var pass = new SqlOutboxConsumeContext<T>(context, options, provider, delivery, messageId, current, captured, time);
            try
            {
                await next.Send(pass);
            }
            finally
            {
                pass.Close();
            }
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", session.Storage.Dialect.Name);
}
