using MassTransit;
using MassTransit.Middleware;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Runs one incoming message through the inbox and outbox, NServiceBus-style: in ONE transaction the inbox row is
/// claimed (a copy already consumed is not handled again), the consumer or saga runs on the same connection, and
/// every message it sends, publishes or schedules is stored; after the commit those messages go to the broker and
/// are then forgotten. A crash between commit and delivery is finished by the redelivered message or by the sweeper.
/// A consumer that calls third parties runs with no transaction open instead (see <see cref="InboxClaimPolicy"/>).
/// </summary>
public sealed class SqlOutboxContextFactory(
    SqlSession session, OutboxStore store, SqlOutboxDelivery delivery, InboxClaimPolicy claims, IServiceProvider provider, TimeProvider time)
    : IOutboxContextFactory<SqlSession>
{
    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "The outbox needs a MessageId to detect duplicates.");
        var captured = new List<StoredMessage>();
        var claimAtCommit = claims.ClaimsAtCommit(options.ConsumerType) && IsFirstDelivery(context);
        SqlOutboxConsumeContext<T>? handling = null;
        var state = claims.CallsThirdParties(options.ConsumerType) ? await HandleAroundCalls() : null;

        // Claim first, unless claimed at commit; a consumer that calls third parties comes here only to find its
        // message consumed (before, or by a copy that committed first) and to finish delivering its messages.
        while (state is null)
        {
            handling = null;
            context.GetOrAddPayload(() => new InboxClaimPass()).AtCommit = claimAtCommit;
            await session.BeginAsync(context.CancellationToken);
            try
            {
                if (claimAtCommit)
                {
                    // Most messages arrive once: handle first, claim the inbox row with the handler's writes.
                    state = await Handle(new InboxState(null, null, 1), store.DeferClaimConsumed);
                }
                else
                {
                    state = await store.ReceiveAsync(session, messageId, options.ConsumerId, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
                    if (state.Consumed is null)
                        state = await Handle(state, store.DeferConsumed);
                }

                await session.CommitAsync(context.CancellationToken);
                break;
            }
            catch (Exception exception) when (claimAtCommit && exception is InboxConflictException or ConcurrencyException)
            {
                // Another copy was consumed first: everything this copy did is rolled back; look again the safe way,
                // which finds the copy consumed and only finishes delivering its messages if that is still needed.
                await session.RollbackAsync();
                captured.Clear();
                claimAtCommit = false;
                state = null;
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
        }

        if (state.Delivered is null)
            await Pass(state);

        // The inbox is only read first, with no lock; the consumer runs outside any transaction (its own steps commit
        // on their own) and the row is claimed at commit with its deferred writes. Null when the message was consumed
        // already, or a copy committed first (this copy's writes are rolled back then).
        async Task<InboxState?> HandleAroundCalls()
        {
            if (await store.IsConsumedAsync(session, messageId, options.ConsumerId, context.CancellationToken))
                return null;

            context.GetOrAddPayload(() => new InboxClaimPass()).AtCommit = true;
            try
            {
                session.OutsideTransaction = true;
                var handled = await Handle(new InboxState(null, null, 1), store.DeferClaimConsumed);
                session.OutsideTransaction = false;
                await session.BeginAsync(context.CancellationToken);
                await session.CommitAsync(context.CancellationToken);
                return handled;
            }
            catch (InboxConflictException)
            {
                await session.RollbackAsync();
                captured.Clear();
                return null;
            }
            catch
            {
                await session.RollbackAsync();
                throw;
            }
            finally
            {
                session.OutsideTransaction = false;
                handling?.Close();
                handling = null;
            }
        }

        await Pass(state with { Delivered = state.Delivered ?? 0 });

        // Runs the handler and records it consumed in the same transaction; with nothing to deliver, also delivered.
        async Task<InboxState> Handle(InboxState current, Action<SqlSession, IReadOnlyList<StoredMessage>, Guid, Guid, long, bool> recordConsumed)
        {
            handling = new SqlOutboxConsumeContext<T>(context, options, provider, delivery, messageId, current, captured, time);
            await next.Send(handling);
            handling.Close();

            var nothingToSend = captured.Count == 0;
            var consumed = ConsumedAt();
            recordConsumed(session, captured, messageId, options.ConsumerId, consumed, nothingToSend);
            return current with { Consumed = consumed, Delivered = nothingToSend ? consumed : null };
        }

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

    // Stamped once the handler is done, right before the commit: the sweeper counts the orphan age from here, so a
    // handler slower than OrphanAge does not look crash-left the moment it commits.
    long ConsumedAt() => time.GetUtcNow().ToUnixTimeMilliseconds();

    // A redelivered message or a retry may well have been consumed already: claim its inbox row before handling it.
    static bool IsFirstDelivery(ConsumeContext context) =>
        !context.ReceiveContext.Redelivered && context.GetRetryAttempt() == 0 && context.GetRedeliveryCount() == 0;

    public void Probe(ProbeContext context) => context.CreateFilterScope("outboxContextFactory").Add("provider", session.Storage.Dialect.Name);
}
