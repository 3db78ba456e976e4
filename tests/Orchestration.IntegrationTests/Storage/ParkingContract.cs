namespace Orchestration.IntegrationTests.Storage;

/// <summary>
/// How the stores keep a row that cannot be sent out of the way of the rows behind it, park it, list it and give it
/// back, the same on every SQL dialect.
/// </summary>
public abstract class ParkingContract : IAsyncLifetime
{
    protected SqlStorage Storage { get; private set; } = null!;

    protected abstract SqlStorage CreateStorage();

    public async Task InitializeAsync()
    {
        Storage = CreateStorage();
        await new SchemaMigrator(Storage, PlatformMigrations.All, NullLogger<SchemaMigrator>.Instance).MigrateAsync(default);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    static DeliveryFailure Failure(int attemptsBefore, long now) =>
        DeliveryFailure.Of(new InvalidOperationException("refused"), attemptsBefore, DateTimeOffset.FromUnixTimeMilliseconds(now),
            TimeSpan.FromSeconds(1), maxAttempts: 2, default);

    [Fact]
    public async Task Should_step_a_failed_bus_outbox_transaction_aside_then_park_it_until_unparked()
    {
        var store = new OutboxStore(Storage);
        var (stuck, behind) = (NewId.NextGuid(), NewId.NextGuid());
        await StoredRows.InsertOutboxStatesAsync(Storage, (stuck, 1_000), (behind, 2_000));

        await using var connection = await Storage.OpenConnectionAsync(default);
        async Task<(Guid, int)?> Claim(long now)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            return await store.ClaimOutboxAsync(connection, transaction, now, default);
        }

        async Task<(int, bool)> Fail(int attemptsBefore, long now)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var outcome = await store.RecordOutboxFailureAsync(connection, transaction, stuck, Failure(attemptsBefore, now), default);
            await transaction.CommitAsync();
            return outcome;
        }

        (await Claim(10_000)).ShouldBe((stuck, 0));
        (await Fail(0, 10_000)).ShouldBe((1, false));
        (await Claim(10_500)).ShouldBe((behind, 0), "the failed transaction waits out its delay while the next goes");
        (await Claim(11_000)).ShouldBe((stuck, 1));
        (await Fail(1, 11_000)).ShouldBe((2, true));
        (await Claim(1_000_000)).ShouldBe((behind, 0), "a parked transaction is not tried again");

        var parked = (await store.ListParkedAsync(default)).ShouldHaveSingleItem();
        (parked.Source, parked.Id, parked.Attempts, parked.ParkedAt.ToUnixTimeMilliseconds()).ShouldBe(("bus-outbox", stuck, 2, 11_000));
        parked.LastError.ShouldBe("System.InvalidOperationException: refused");
        (await store.CountParkedAsync(default)).ShouldBe((1, 0));

        (await store.UnparkOutboxAsync(stuck, default)).ShouldBeTrue();
        (await store.UnparkOutboxAsync(stuck, default)).ShouldBeFalse();
        (await Claim(1_000_000)).ShouldBe((stuck, 0));
        (await store.ListParkedAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_step_a_failed_crash_left_output_aside_then_park_it_until_unparked()
    {
        var store = new OutboxStore(Storage);
        var consumer = NewId.NextGuid();
        var (stuck, behind) = (NewId.NextGuid(), NewId.NextGuid());
        await StoredRows.InsertCrashLeftAsync(Storage, consumer, () => [StoredRows.Message()], (stuck, 1_000), (behind, 2_000));

        await using var connection = await Storage.OpenConnectionAsync(default);
        async Task<(Guid, Guid, int)?> Claim(long now)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            return await store.ClaimOrphanAsync(connection, transaction, consumedBefore: 5_000, now, default);
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            (await Claim(10_000 + attempt * 10_000)).ShouldBe((stuck, consumer, attempt));
            await using var transaction = await connection.BeginTransactionAsync();
            await store.RecordInboxFailureAsync(connection, transaction, stuck, consumer, Failure(attempt, 10_000 + attempt * 10_000), default);
            await transaction.CommitAsync();
        }

        (await Claim(1_000_000)).ShouldBe((behind, consumer, 0));
        var parked = (await store.ListParkedAsync(default)).ShouldHaveSingleItem();
        (parked.Source, parked.Id, parked.ConsumerId, parked.Attempts).ShouldBe(("inbox", stuck, (Guid?)consumer, 2));
        (await store.CountParkedAsync(default)).ShouldBe((0, 1));

        (await store.UnparkInboxAsync(stuck, consumer, default)).ShouldBeTrue();
        (await Claim(1_000_000)).ShouldBe((stuck, consumer, 0));
    }

    [Fact]
    public async Task Should_step_a_failed_due_message_aside_then_park_it_until_unparked()
    {
        var store = new SchedulerStore(Storage);
        var (stuck, behind) = (NewId.NextGuid(), NewId.NextGuid());
        async Task<T> InTransaction<T>(Func<SqlSession, Task<T>> work)
        {
            await using var session = new SqlSession(Storage);
            await session.BeginAsync(default);
            var result = await work(session);
            await session.CommitAsync(default);
            return result;
        }

        await InTransaction(async s =>
        {
            await store.ScheduleAsync(s, stuck, 1_000, StoredRows.Message(), 0, default);
            await store.ScheduleAsync(s, behind, 2_000, StoredRows.Message(), 0, default);
            return true;
        });

        (await InTransaction(s => store.RecordFailureAsync(s, stuck, Failure(0, 10_000), default))).ShouldBe((1, false));
        (await store.NextDueAsync(default)).ShouldBe(2_000, "the failed message waits out its delay; the next is due first");
        (await InTransaction(s => store.ClaimDueAsync(s, 10_500, 10, default))).Select(d => d.TokenId).ShouldBe([behind]);
        (await InTransaction(s => store.ClaimDueAsync(s, 11_000, 10, default))).Select(d => (d.TokenId, d.Attempts)).ShouldBe([(stuck, 1), (behind, 0)]);
        (await InTransaction(s => store.RecordFailureAsync(s, stuck, Failure(1, 11_000), default))).ShouldBe((2, true));

        (await InTransaction(s => store.ClaimDueAsync(s, 1_000_000, 10, default))).Select(d => d.TokenId).ShouldBe([behind]);
        await InTransaction(async s =>
        {
            await store.CloseAsync(s, behind, 12_000, default);
            return true;
        });
        (await store.NextDueAsync(default)).ShouldBeNull("a parked message is not due");
        (await store.ListParkedAsync(default)).Select(p => (p.Source, p.Id, p.Attempts)).ShouldBe([("scheduler", stuck, 2)]);
        (await store.CountParkedAsync(default)).ShouldBe(1);

        (await store.UnparkAsync(stuck, default)).ShouldBeTrue();
        (await store.NextDueAsync(default)).ShouldBe(1_000);
        (await store.CountParkedAsync(default)).ShouldBe(0);
    }
}
