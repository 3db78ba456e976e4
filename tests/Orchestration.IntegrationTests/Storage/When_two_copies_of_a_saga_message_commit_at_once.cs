namespace Orchestration.IntegrationTests.Storage;

/// <summary>
/// Two copies of one saga message in flight together, replayed step by step as the saga repository and the inbox take
/// them: a first delivery claims its inbox row at commit and locks nothing while it runs; a redelivered copy claims the
/// row first and then loads the saga with a row lock.
/// </summary>
public sealed class When_two_copies_of_a_saga_message_commit_at_once : IAsyncLifetime
{
    readonly string _schema = TestServers.NewSchema("race");
    readonly Guid _messageId = NewId.NextGuid();
    readonly Guid _consumerId = NewId.NextGuid();
    SqlStorage _storage = null!;
    SqlSagaStore<ProbeState> _sagas = null!;
    OutboxStore _outbox = null!;

    public async Task InitializeAsync()
    {
        _storage = TestServers.Postgres(_schema);
        _sagas = new SqlSagaStore<ProbeState>(_storage, new SagaTable<ProbeState>("saga_probe"), TimeProvider.System);
        _outbox = new OutboxStore(_storage);
        await new SchemaMigrator(_storage, [.. PlatformMigrations.All, SqlSagaStore<ProbeState>.Migration("saga_probe")], NullLogger<SchemaMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => TestServers.DropSchemaAsync(_schema);

    async Task<Guid> StartedProbeAsync()
    {
        var id = NewId.NextGuid();
        await using var setup = new SqlSession(_storage);
        await setup.BeginAsync(default);
        await _sagas.InsertAsync(setup, new ProbeState { CorrelationId = id, CurrentState = "Running" }, default);
        await setup.CommitAsync(default);
        return id;
    }

    async Task<ProbeState?> ProbeAsync(Guid id)
    {
        await using var session = new SqlSession(_storage);
        await session.BeginAsync(default);
        return await _sagas.LoadAsync(session, id, default);
    }

    // The repository's handling of an increment: load (locking or not), count, update with the commit.
    async Task IncrementAsync(SqlSession session, Guid id, bool forUpdate)
    {
        var probe = (await _sagas.LoadAsync(session, id, default, forUpdate))!;
        probe.Count++;
        await _sagas.UpdateAsync(session, probe, default);
    }

    // The repository's handling of a start: nothing found, so a new instance inserted with the commit.
    async Task StartAsync(SqlSession session, Guid id, bool forUpdate)
    {
        (await _sagas.LoadAsync(session, id, default, forUpdate)).ShouldBeNull();
        _sagas.DeferInsert(session, new ProbeState { CorrelationId = id, CurrentState = "Running", Count = 1 });
    }

    /// <summary>
    /// The claim-at-commit copy handles first; the claim-first copy then claims the inbox row and handles; the
    /// claim-at-commit copy commits while the other still runs. Returns what each commit threw.
    /// </summary>
    async Task<List<Exception>> RaceAsync(Func<SqlSession, Task> claimAtCommit, Func<SqlSession, Task> claimFirst)
    {
        await using var a = new SqlSession(_storage);
        await using var b = new SqlSession(_storage);
        await a.BeginAsync(default);
        await claimAtCommit(a);
        _outbox.DeferClaimConsumed(a, [], _messageId, _consumerId, 1000, delivered: true);

        await b.BeginAsync(default);
        (await _outbox.ReceiveAsync(b, _messageId, _consumerId, 1000, default)).Consumed.ShouldBeNull();
        var handleB = Task.Run(async () =>
        {
            await claimFirst(b);
            _outbox.DeferConsumed(b, [], _messageId, _consumerId, 1000, delivered: true);
            await Task.Delay(300); // the claim-at-commit copy reaches its commit meanwhile
            await b.CommitAsync(default);
        });
        await Task.Delay(100);
        var commitA = Task.Run(() => a.CommitAsync(default));

        var errors = new List<Exception>();
        foreach (var commit in new[] { commitA, handleB })
        {
            try
            {
                await commit;
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        return errors;
    }

    static void ShouldBeOneInboxConflict(List<Exception> errors) =>
        errors.Select(e => e.GetType().Name).ShouldBe([nameof(InboxConflictException)],
            "the copy that claimed at commit rolls back as an inbox conflict, which the factory resolves in place; " +
            string.Join(" | ", errors.Select(e => e.Message.Split('\n')[0])));

    [Fact]
    public async Task Should_roll_the_losing_copy_back_as_an_inbox_conflict()
    {
        var id = await StartedProbeAsync();

        await using var a = new SqlSession(_storage);
        await using var b = new SqlSession(_storage);
        await a.BeginAsync(default);
        await b.BeginAsync(default);
        await IncrementAsync(a, id, forUpdate: false);
        _outbox.DeferClaimConsumed(a, [], _messageId, _consumerId, 1000, delivered: true);
        await IncrementAsync(b, id, forUpdate: false);
        _outbox.DeferClaimConsumed(b, [], _messageId, _consumerId, 1000, delivered: true);

        await a.CommitAsync(default);
        var thrown = await Should.ThrowAsync<Exception>(() => b.CommitAsync(default));
        // The factory only handles InboxConflictException in place; anything else fails the delivery.
        thrown.ShouldBeOfType<InboxConflictException>();
        (await ProbeAsync(id))!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_not_deadlock_a_claim_first_copy_with_a_claim_at_commit_copy()
    {
        var id = await StartedProbeAsync();

        var errors = await RaceAsync(a => IncrementAsync(a, id, forUpdate: false), b => IncrementAsync(b, id, forUpdate: true));

        ShouldBeOneInboxConflict(errors);
        (await ProbeAsync(id))!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_not_deadlock_when_both_copies_start_the_saga()
    {
        var id = NewId.NextGuid();

        var errors = await RaceAsync(a => StartAsync(a, id, forUpdate: false), b => StartAsync(b, id, forUpdate: true));

        ShouldBeOneInboxConflict(errors);
        (await ProbeAsync(id))!.Count.ShouldBe(1);
    }
}
