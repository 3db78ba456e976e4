using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.SagaAudit;

namespace Orchestration.Platform.Sagas;

/// <summary>
/// Plugs the SQL saga store into MassTransit. Under the outbox the saga shares the handler's transaction
/// (<see cref="SqlSession"/> is scoped); on its own it opens and commits one.
/// </summary>
public sealed class SqlSagaRepositoryContextFactory<TSaga>(
    SqlSession session, SqlSagaStore<TSaga> store, ISagaConsumeContextFactory<SqlSession, TSaga> factory, SagaAuditRecorder audit)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class =>
        InTransaction(context.CancellationToken, () => next.Send(new SqlSagaRepositoryContext<TSaga, T>(session, store, context, factory, audit)));

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        InTransaction(context.CancellationToken, async () =>
        {
            var rows = await store.QueryRowsAsync(session, query.FilterExpression, context.CancellationToken);
            var repositoryContext = new SqlSagaRepositoryContext<TSaga, T>(session, store, context, factory, audit);
            foreach (var (instance, data) in rows)
                repositoryContext.Loaded(instance, data);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, rows.Select(row => row.Instance)));
        });

    public async Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        T result = null!;
        await InTransaction(cancellationToken, async () => result = await asyncMethod(new SqlSagaRepositoryContext<TSaga>(session, store, cancellationToken)));
        return result;
    }

    public async Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        T result = null!;
        await InTransaction(cancellationToken, async () => result = await asyncMethod(new SqlSagaRepositoryContext<TSaga>(session, store, cancellationToken)));
        return result;
    }

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "sql");
        context.Add("table", store.TableName);
    }

    async Task InTransaction(CancellationToken cancellationToken, Func<Task> work)
    {
        if (session.InTransaction)
        {
            await work();
            return;
        }

        await session.BeginAsync(cancellationToken);
        try
        {
            await work();
            await session.CommitAsync(cancellationToken);
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}

/// <summary>
/// The saga repository for one message. Every step that saves the instance is also recorded for the saga audit, in the
/// same transaction, from the JSON the step loaded and the JSON it writes.
/// </summary>
public sealed class SqlSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    readonly SqlSession session;
    readonly SqlSagaStore<TSaga> store;
    readonly ConsumeContext<TMessage> consumeContext;
    readonly ISagaConsumeContextFactory<SqlSession, TSaga> factory;
    readonly SagaAuditRecorder audit;
    readonly Dictionary<Guid, (string Data, string? State)> loaded = [];

    public SqlSagaRepositoryContext(SqlSession session, SqlSagaStore<TSaga> store, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SqlSession, TSaga> factory, SagaAuditRecorder audit)
        : base(consumeContext, session)
    {
        this.session = session;
        this.store = store;
        this.consumeContext = consumeContext;
        this.factory = factory;
        this.audit = audit;
    }

    /// <summary>An instance as it was loaded, for the audit of the step that changes it.</summary>
    public void Loaded(TSaga instance, string data)
    {
        SagaInstanceLink.Mark(consumeContext.ReceiveContext, typeof(TSaga), instance.CorrelationId);
        if (audit.Enabled)
            loaded[instance.CorrelationId] = (data, SqlSagaStore<TSaga>.StateOf(instance));
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(session, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance)
    {
        SagaInstanceLink.Mark(consumeContext.ReceiveContext, typeof(TSaga), instance.CorrelationId);
        return factory.CreateSagaConsumeContext(session, consumeContext, instance, SagaConsumeContextMode.Add);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (!await store.InsertAsync(session, instance, CancellationToken))
            return default!;
        SagaInstanceLink.Mark(consumeContext.ReceiveContext, typeof(TSaga), instance.CorrelationId);
        if (audit.Enabled)
            Record(instance, SagaStepOutcome.Created, SqlSagaStore<TSaga>.Serialize(instance));
        return await factory.CreateSagaConsumeContext(session, consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    // Messages for one saga take turns on its row, as NServiceBus's SQL persistence does, so a burst for a hot saga
    // is applied one after the other instead of failing version checks until its retries run out. A first delivery
    // that claims its inbox row at commit locks nothing while it runs (see InboxClaimPass): it stays optimistic,
    // and if it loses, the factory runs it again the claim-first way, which locks.
    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var forUpdate = !(consumeContext.TryGetPayload<InboxClaimPass>(out var pass) && pass.AtCommit);
        if (await store.LoadRowAsync(session, correlationId, CancellationToken, forUpdate) is not { } row)
            return default!;
        Loaded(row.Instance, row.Data);
        return await factory.CreateSagaConsumeContext(session, consumeContext, row.Instance, SagaConsumeContextMode.Load);
    }

    // Written with the commit, after the inbox claim, so a new instance locks nothing while the handler runs. Two
    // messages starting the same saga at once: the second insert finds the row and fails as a conflict, and the
    // retry then loads the instance the first one created.
    public Task Save(SagaConsumeContext<TSaga> context)
    {
        var data = store.DeferInsert(session, context.Saga);
        if (audit.Enabled)
            Record(context.Saga, SagaStepOutcome.Created, data);
        return Task.CompletedTask;
    }

    public Task Update(SagaConsumeContext<TSaga> context)
    {
        var data = store.DeferUpdate(session, context.Saga);
        if (audit.Enabled)
            Record(context.Saga, SagaStepOutcome.Updated, data);
        return Task.CompletedTask;
    }

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        await store.DeleteAsync(session, context.Saga, CancellationToken);
        if (audit.Enabled)
            Record(context.Saga, SagaStepOutcome.Finalized, SqlSagaStore<TSaga>.Serialize(context.Saga), context.Saga.Version + 1);
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    void Record(TSaga instance, SagaStepOutcome outcome, string after, int? version = null)
    {
        var before = loaded.TryGetValue(instance.CorrelationId, out var row) ? row : ((string Data, string? State)?)null;
        audit.Record(session, consumeContext, typeof(TSaga), instance.CorrelationId, version ?? instance.Version, outcome, before?.State,
            SqlSagaStore<TSaga>.StateOf(instance), before?.Data, after);
    }
}

public sealed class SqlSagaRepositoryContext<TSaga>(SqlSession session, SqlSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task<TSaga> Load(Guid correlationId) => (await store.LoadAsync(session, correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default) =>
        new LoadedSagaRepositoryQueryContext<TSaga>(this, await store.QueryAsync(session, query.FilterExpression, cancellationToken));
}

public static class SqlSagaRepositoryExtensions
{
    /// <summary>
    /// Stores the saga in its own SQL table (created by a migration at start-up). The table name defaults to the
    /// state type's name in snake case without a trailing "State": <c>LeaseSigningState</c> → <c>saga_lease_signing</c>.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> SqlRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator, string? table = null)
        where TSaga : class, ISagaVersion
    {
        var name = table ?? DefaultTable(typeof(TSaga));
        configurator.Repository(r =>
        {
            r.TryAddSingleton(new SagaTable<TSaga>(name));
            r.TryAddSingleton<SqlSagaStore<TSaga>>();
            r.AddSagaAudit();
            r.AddSingleton(SqlSagaStore<TSaga>.Migration(name));
            r.AddSingleton(InboxClaimAtCommit.For<TSaga>());
            r.RegisterLoadSagaRepository<TSaga, SqlSagaRepositoryContextFactory<TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, SqlSagaRepositoryContextFactory<TSaga>>();
            r.RegisterSagaRepository<TSaga, SqlSession, SagaConsumeContextFactory<SqlSession, TSaga>, SqlSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }

    public static string DefaultTable(Type sagaType)
    {
        var name = sagaType.Name.EndsWith("State", StringComparison.Ordinal) ? sagaType.Name[..^"State".Length] : sagaType.Name;
        var snake = new System.Text.StringBuilder("saga_");
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                snake.Append('_');
            snake.Append(char.ToLowerInvariant(name[i]));
        }

        return snake.ToString();
    }
}
