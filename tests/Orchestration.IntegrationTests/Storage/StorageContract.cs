namespace Orchestration.IntegrationTests.Storage;

/// <summary>
/// What the saga repository, the inbox/outbox and the scheduler store promise, checked the same way on every SQL
/// dialect the platform supports.
/// </summary>
public abstract class StorageContract : IAsyncLifetime
{
    static readonly SchemaMigration ProbeSagaTable = SqlSagaStore<ProbeState>.Migration("saga_probe");

    protected SqlStorage Storage { get; private set; } = null!;

    protected abstract SqlStorage CreateStorage();

    /// <summary>Storage in a schema (or file) no migration has touched yet.</summary>
    protected abstract SqlStorage CreateEmptyStorage();

    public async Task InitializeAsync()
    {
        Storage = CreateStorage();
        await Migrator().MigrateAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    SchemaMigrator Migrator(SqlStorage? storage = null) =>
        new(storage ?? Storage, [.. PlatformMigrations.All, ProbeSagaTable], NullLogger<SchemaMigrator>.Instance);

    SqlSagaStore<ProbeState> Sagas() => new(Storage, new SagaTable<ProbeState>("saga_probe"), TimeProvider.System);

    async Task<T> InTransaction<T>(Func<SqlSession, Task<T>> work)
    {
        await using var session = new SqlSession(Storage);
        await session.BeginAsync(CancellationToken.None);
        var result = await work(session);
        await session.CommitAsync(CancellationToken.None);
        return result;
    }

    Task InTransaction(Func<SqlSession, Task> work) => InTransaction(async s =>
    {
        await work(s);
        return true;
    });

    static StoredMessage Message(string body, string destination = "queue:somewhere") => new()
    {
        MessageId = NewId.NextGuid(),
        ContentType = "application/vnd.masstransit+json",
        MessageType = "urn:message:Orchestration:Probe",
        Body = body,
        DestinationAddress = new Uri(destination),
        SentTime = DateTime.UtcNow,
    };

    [Fact]
    public async Task Should_apply_migrations_once_when_instances_start_together()
    {
        // Instances starting together on a database nobody has migrated yet: all race to create the same schema.
        var empty = CreateEmptyStorage();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            await Migrator(empty).MigrateAsync(CancellationToken.None);
        })).ToList();
        go.SetResult();
        await Task.WhenAll(starts);
        await Migrator(empty).MigrateAsync(CancellationToken.None);

        await using var session = new SqlSession(empty);
        await session.BeginAsync(CancellationToken.None);
        await using (var history = session.CreateCommand($"SELECT COUNT(*) FROM {empty.Table("schema_migrations")}"))
            Convert.ToInt32(await history.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(PlatformMigrations.All.Count + 1);
        await using (var probes = session.CreateCommand($"SELECT COUNT(*) FROM {empty.Table("saga_probe")}"))
            Convert.ToInt32(await probes.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
    }

    [Fact]
    public async Task Should_store_load_and_version_a_saga_instance()
    {
        var store = Sagas();
        var probe = new ProbeState { CorrelationId = NewId.NextGuid(), CurrentState = "Running", Count = 3 };

        (await InTransaction(s => store.InsertAsync(s, probe, default))).ShouldBeTrue();
        (await InTransaction(s => store.InsertAsync(s, new ProbeState { CorrelationId = probe.CorrelationId }, default))).ShouldBeFalse();

        var loaded = await InTransaction(s => store.LoadAsync(s, probe.CorrelationId, default));
        loaded.ShouldNotBeNull();
        loaded.Count.ShouldBe(3);
        loaded.Version.ShouldBe(1);

        loaded.Count = 4;
        await InTransaction(s => store.UpdateAsync(s, loaded, default));
        loaded.Version.ShouldBe(2);

        var stale = new ProbeState { CorrelationId = probe.CorrelationId, CurrentState = "Running", Count = 99, Version = 1 };
        await Should.ThrowAsync<SagaConcurrencyException>(() => InTransaction(s => store.UpdateAsync(s, stale, default)));

        var found = await InTransaction(s => store.QueryAsync(s, x => x.CurrentState == "Running" && x.Count == 4, default));
        found.Select(x => x.CorrelationId).ShouldBe([probe.CorrelationId]);

        await InTransaction(s => store.DeleteAsync(s, loaded, default));
        (await InTransaction(s => store.LoadAsync(s, probe.CorrelationId, default))).ShouldBeNull();
    }

    [Fact]
    public async Task Should_let_only_one_of_two_concurrent_updates_win()
    {
        var store = Sagas();
        var id = NewId.NextGuid();
        await InTransaction(s => store.InsertAsync(s, new ProbeState { CorrelationId = id, CurrentState = "Running" }, default));

        var first = (await InTransaction(s => store.LoadAsync(s, id, default)))!;
        var second = (await InTransaction(s => store.LoadAsync(s, id, default)))!;
        first.Count = 1;
        second.Count = 2;

        // The first update has reached the database and holds its lock when the second one starts, so the second
        // waits for it and is checked against the row the first one commits.
        await using var session = new SqlSession(Storage);
        await session.BeginAsync(default);
        await store.UpdateAsync(session, first, default);
        await session.FlushAsync(default);
        var other = Task.Run(() => InTransaction(s => store.UpdateAsync(s, second, default)));
        await Task.Delay(300);
        other.IsCompleted.ShouldBeFalse("the second update waits for the first transaction");
        await session.CommitAsync(default);

        await Should.ThrowAsync<SagaConcurrencyException>(() => other);
        (await InTransaction(s => store.LoadAsync(s, id, default)))!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_count_receipts_and_remember_consumption_in_the_inbox()
    {
        var store = new OutboxStore(Storage);
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());

        var first = await InTransaction(s => store.ReceiveAsync(s, messageId, consumerId, 1000, default));
        first.ShouldBe(new InboxState(null, null, 1));

        await InTransaction(s =>
        {
            store.DeferConsumed(s, [], messageId, consumerId, 2000, delivered: false);
            return Task.CompletedTask;
        });
        var second = await InTransaction(s => store.ReceiveAsync(s, messageId, consumerId, 3000, default));
        second.ShouldBe(new InboxState(2000, null, 2));
    }

    [Fact]
    public async Task Should_let_only_one_copy_claim_a_first_delivery_at_commit()
    {
        var store = new OutboxStore(Storage);
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());
        await InTransaction(s =>
        {
            store.DeferClaimConsumed(s, [Message("{}")], messageId, consumerId, 1000, delivered: false);
            return Task.CompletedTask;
        });

        // The second copy's writes roll back with its claim: no second outgoing message.
        await Should.ThrowAsync<InboxConflictException>(() => InTransaction(s =>
        {
            store.DeferClaimConsumed(s, [Message("{}")], messageId, consumerId, 2000, delivered: false);
            return Task.CompletedTask;
        }));

        (await InTransaction(s => store.ReceiveAsync(s, messageId, consumerId, 3000, default))).ShouldBe(new InboxState(1000, null, 2));
        await using var connection = await Storage.OpenConnectionAsync(default);
        (await store.LoadForInboxAsync(connection, null, messageId, consumerId, default)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_keep_outgoing_messages_in_order_until_delivered()
    {
        var store = new OutboxStore(Storage);
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());
        await InTransaction(async s =>
        {
            await store.ReceiveAsync(s, messageId, consumerId, 1000, default);
            store.DeferConsumed(s, [Message("""{"n":1}"""), Message("""{"n":2}""")], messageId, consumerId, 1000, delivered: false);
        });

        await using var connection = await Storage.OpenConnectionAsync(default);
        var loaded = await store.LoadForInboxAsync(connection, null, messageId, consumerId, default);
        loaded.Select(m => m.Body).ShouldBe(["""{"n":1}""", """{"n":2}"""]);
        loaded[0].DestinationAddress.ShouldBe(new Uri("queue:somewhere"));

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            (await store.ClaimOrphanAsync(connection, transaction, consumedBefore: 2000, now: 2000, default)).ShouldBe((messageId, consumerId, 0));
            await store.CompleteInboxDeliveryAsync(connection, transaction, messageId, consumerId, 2000, default);
            await transaction.CommitAsync();
        }

        (await store.LoadForInboxAsync(connection, null, messageId, consumerId, default)).ShouldBeEmpty();
        (await InTransaction(s => store.ReceiveAsync(s, messageId, consumerId, 3000, default))).Delivered.ShouldBe(2000);
    }

    [Fact]
    public async Task Should_claim_each_bus_outbox_transaction_once()
    {
        var store = new OutboxStore(Storage);
        var outboxId = NewId.NextGuid();
        await InTransaction(async s =>
        {
            await store.InsertOutboxStateAsync(s, outboxId, 1000, default);
            await store.InsertAsync(s, [Message("{}")], null, null, outboxId, default);
        });

        await using var connection = await Storage.OpenConnectionAsync(default);
        await using var transaction = await connection.BeginTransactionAsync();
        (await store.ClaimOutboxAsync(connection, transaction, now: 2000, default)).ShouldBe((outboxId, 0));
        (await store.LoadForOutboxAsync(connection, transaction, outboxId, default)).Count.ShouldBe(1);
        await store.CompleteOutboxDeliveryAsync(connection, transaction, outboxId, default);
        await transaction.CommitAsync();

        await using var again = await connection.BeginTransactionAsync();
        (await store.ClaimOutboxAsync(connection, again, now: 2000, default)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_send_only_due_schedules_and_never_a_cancelled_one()
    {
        var store = new SchedulerStore(Storage);
        var (due, later, cancelled) = (NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());

        await InTransaction(async s =>
        {
            await store.ScheduleAsync(s, due, 1_000, Message("""{"v":"old"}"""), 0, default);
            await store.ScheduleAsync(s, due, 2_000, Message("""{"v":"due"}"""), 0, default);
            await store.ScheduleAsync(s, later, 9_000, Message("{}"), 0, default);
            await store.CancelAsync(s, cancelled, 0, default);
            await store.ScheduleAsync(s, cancelled, 1_000, Message("{}"), 0, default);
        });

        var claimed = await InTransaction(s => store.ClaimDueAsync(s, 5_000, 10, default));
        claimed.Select(c => c.TokenId).ShouldBe([due]);
        claimed[0].Message.Body.ShouldBe("""{"v":"due"}""");

        await InTransaction(s => store.CloseAsync(s, due, 6_000, default));
        (await store.NextDueAsync(default)).ShouldBe(9_000);
        (await store.RemoveTombstonesAsync(5_000, default)).ShouldBe(1);

        // A repeated request for a token already sent finds its tombstone and never fires again.
        await InTransaction(s => store.ScheduleAsync(s, later, 1_000, Message("{}"), 0, default));
        await InTransaction(s => store.CloseAsync(s, later, 6_000, default));
        await InTransaction(s => store.ScheduleAsync(s, later, 1_000, Message("{}"), 0, default));
        (await InTransaction(s => store.ClaimDueAsync(s, 10_000, 10, default))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_forget_duplicates_after_the_detection_window()
    {
        var store = new OutboxStore(Storage);
        var (old, recent) = (NewId.NextGuid(), NewId.NextGuid());
        var consumer = NewId.NextGuid();
        await InTransaction(async s =>
        {
            await store.ReceiveAsync(s, old, consumer, 0, default);
            store.DeferConsumed(s, [], old, consumer, 0, delivered: true);
            await store.ReceiveAsync(s, recent, consumer, 0, default);
            store.DeferConsumed(s, [], recent, consumer, 100_000, delivered: true);
        });

        var time = new TestClock(DateTimeOffset.FromUnixTimeMilliseconds(100_000) + TimeSpan.FromDays(7));
        var cleanup = new InboxCleanup(store, Options.Create(new OutboxOptions()), time, NullLogger<InboxCleanup>.Instance);
        (await cleanup.RunOnceAsync(default)).ShouldBe(1);
        (await InTransaction(s => store.ReceiveAsync(s, recent, consumer, 0, default))).Consumed.ShouldBe(100_000);
    }
}
