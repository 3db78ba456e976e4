using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Sagas;
using Orchestration.Platform.Storage;
using Orchestration.Testing;
using Orchestration.TestEndpoint;

namespace Orchestration.IntegrationTests.Storage;

public sealed class When_two_copies_of_a_saga_message_commit_at_once : IAsyncLifetime
{
    readonly string _schema = TestServers.NewSchema("race");
    SqlStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = TestServers.Postgres(_schema);
        await new SchemaMigrator(_storage, [.. PlatformMigrations.All, SqlSagaStore<ProbeState>.Migration("saga_probe")], NullLogger<SchemaMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => TestServers.DropSchemaAsync(_schema);

    async Task<Guid> StartedProbeAsync(SqlSagaStore<ProbeState> sagas)
    {
        var id = NewId.NextGuid();
        await using var setup = new SqlSession(_storage);
        await setup.BeginAsync(default);
        await sagas.InsertAsync(setup, new ProbeState { CorrelationId = id, CurrentState = "Running" }, default);
        await setup.CommitAsync(default);
        return id;
    }

    SqlSagaStore<ProbeState> Sagas() => new(_storage, new SagaTable<ProbeState>("saga_probe"), TimeProvider.System);

    // Two copies of one saga message, both first deliveries, handled at the same time (claim at commit).
    [Fact]
    public async Task Should_roll_the_losing_copy_back_as_an_inbox_conflict()
    {
        var (sagas, outbox) = (Sagas(), new OutboxStore(_storage));
        var id = await StartedProbeAsync(sagas);
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());

        await using var a = new SqlSession(_storage);
        await using var b = new SqlSession(_storage);
        await a.BeginAsync(default);
        await b.BeginAsync(default);
        var sa = (await sagas.LoadAsync(a, id, default))!;
        var sb = (await sagas.LoadAsync(b, id, default))!;
        sa.Count++;
        sb.Count++;
        await sagas.UpdateAsync(a, sa, default);
        outbox.DeferClaimConsumed(a, [], messageId, consumerId, 1000, delivered: true);
        await sagas.UpdateAsync(b, sb, default);
        outbox.DeferClaimConsumed(b, [], messageId, consumerId, 1000, delivered: true);

        await a.CommitAsync(default);
        var thrown = await Should.ThrowAsync<Exception>(() => b.CommitAsync(default));
        // The factory only handles InboxConflictException in place; anything else fails the delivery.
        thrown.ShouldBeOfType<InboxConflictException>();
    }

    // A first delivery (claim at commit) and a redelivered copy (claim first) of one saga message at the same time.
    [Fact]
    public async Task Should_not_deadlock_a_claim_first_copy_with_a_claim_at_commit_copy()
    {
        var (sagas, outbox) = (Sagas(), new OutboxStore(_storage));
        var id = await StartedProbeAsync(sagas);
        var (messageId, consumerId) = (NewId.NextGuid(), NewId.NextGuid());

        await using var a = new SqlSession(_storage);
        await using var b = new SqlSession(_storage);
        await a.BeginAsync(default);
        await b.BeginAsync(default);
        var sa = (await sagas.LoadAsync(a, id, default))!;
        sa.Count++;
        await sagas.UpdateAsync(a, sa, default);
        outbox.DeferClaimConsumed(a, [], messageId, consumerId, 1000, delivered: true);

        (await outbox.ReceiveAsync(b, messageId, consumerId, 1000, default)).Consumed.ShouldBeNull();
        var sb = (await sagas.LoadAsync(b, id, default))!;
        sb.Count++;
        await sagas.UpdateAsync(b, sb, default);
        outbox.DeferConsumed(b, [], messageId, consumerId, 1000, delivered: true);

        var commitA = Task.Run(() => a.CommitAsync(default));
        await Task.Delay(300);
        var commitB = Task.Run(() => b.CommitAsync(default));
        var errors = new List<Exception>();
        foreach (var commit in new[] { commitA, commitB })
        {
            try { await commit; } catch (Exception e) { errors.Add(e); }
        }

        Console.WriteLine("errors: " + string.Join(" | ", errors.Select(e => e.GetType().Name + ": " + e.Message.Split('\n')[0])));
        errors.ShouldAllBe(e => e is InboxConflictException);
    }
}
