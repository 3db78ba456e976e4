using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orchestration.Platform.InMemory;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// In the standalone mode a published event fans out to every queue bound to it, and each queue's copy is journaled in
/// SQLite so that a crash cannot lose it. The publish must return only once every copy is journaled (its sender, the
/// outbox, then forgets it), and many publishes at once must each reach every queue.
/// </summary>
public sealed class When_the_in_memory_transport_fans_a_message_out : IAsyncLifetime
{
    const int Queues = 4;

    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-fanout-{Guid.NewGuid():N}.db");
    readonly Received _received = new();
    ServiceProvider _services = null!;
    IBusControl _bus = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TestServers.Sqlite("fanout", _database));
        services.AddSingleton(_received);
        services.AddInMemoryDeliveryJournal();
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddConsumer<FirstListener>();
            x.AddConsumer<SecondListener>();
            x.AddConsumer<ThirdListener>();
            x.AddConsumer<FourthListener>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDeliveryJournal(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        _services = services.BuildServiceProvider();
        _bus = _services.GetRequiredService<IBusControl>();
        await _bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        TestDatabase.DeleteSqliteFiles(_database);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_return_from_a_publish_or_send_only_once_every_copy_is_journaled(bool publish)
    {
        var id = Guid.NewGuid();
        var queue = await _bus.GetSendEndpoint(new Uri($"queue:{DefaultEndpointNameFormatter.Instance.Consumer<FirstListener>()}"));
        Task Send(Guid message) => publish ? _bus.Publish(new FannedOut(message)) : queue.Send(new FannedOut(message));
        await Send(Guid.NewGuid()); // creates the journal's table

        // Another writer holds the journal's file: no copy can be journaled until it lets go.
        await using var holder = new SqliteConnection($"Data Source={Path.ChangeExtension(_database, ".queues.db")};Pooling=False");
        await holder.OpenAsync();
        await using var hold = (SqliteTransaction)await holder.BeginTransactionAsync();

        var sending = Send(id);
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(2)));
        sending.IsCompleted.ShouldBeFalse("the send returned before its copies were journaled");

        await hold.RollbackAsync();
        await sending.WaitAsync(TimeSpan.FromSeconds(20));
        var copies = publish ? Queues : 1;
        await Eventually.HoldsAsync(() => Task.FromResult(_received.Count(id) == copies), TimeSpan.FromSeconds(20), "every queue got its copy");
    }

    [Fact]
    public async Task Should_deliver_every_copy_of_many_publishes_at_once()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()).ToList();

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) => await _bus.Publish(new FannedOut(id)));

        await Eventually.HoldsAsync(() => Task.FromResult(ids.All(id => _received.Count(id) == Queues)), TimeSpan.FromSeconds(60),
            "every publish reached every queue once");
    }

    public sealed record FannedOut(Guid Id);

    public sealed class Received
    {
        readonly ConcurrentDictionary<Guid, int> _counts = new();

        public void Add(Guid id) => _counts.AddOrUpdate(id, 1, (_, count) => count + 1);

        public int Count(Guid id) => _counts.GetValueOrDefault(id);
    }

    /// <summary>One queue's consumer; each subclass has a queue of its own, so a publish fans out to all four.</summary>
    public abstract class Listener(Received received) : IConsumer<FannedOut>
    {
        public Task Consume(ConsumeContext<FannedOut> context)
        {
            received.Add(context.Message.Id);
            return Task.CompletedTask;
        }
    }

    public sealed class FirstListener(Received received) : Listener(received);

    public sealed class SecondListener(Received received) : Listener(received);

    public sealed class ThirdListener(Received received) : Listener(received);

    public sealed class FourthListener(Received received) : Listener(received);
}
