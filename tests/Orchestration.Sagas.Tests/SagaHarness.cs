using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Platform.Hosting;

namespace Orchestration.Sagas.Tests;

/// <summary>
/// One saga instance on the MassTransit test harness: the state machine on an in-memory bus with the harness's
/// delayed scheduler, registered through its definition and routed by <see cref="CommandRoutes"/> as in production,
/// with a fixed clock for the saga's timestamps. A saga's own harness adds the steps that play the other endpoints'
/// replies.
/// </summary>
public abstract class SagaHarness<TMachine, TState> : IAsyncDisposable
    where TMachine : class, SagaStateMachine<TState>
    where TState : class, SagaStateMachineInstance
{
    static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(10);

    // Cancelled from the start: the harness lists then return what has been recorded so far instead of waiting
    // for more, which is what "was not sent" assertions need.
    static readonly CancellationToken SoFar = new(canceled: true);

    readonly ServiceProvider _provider;

    /// <param name="definition">The saga's definition, so the tests run it on the queue production runs it on.</param>
    /// <param name="now">What the saga's <see cref="TimeProvider"/> says throughout.</param>
    /// <param name="services">The saga's own services, such as its options.</param>
    protected SagaHarness(Type definition, DateTimeOffset now, Action<IServiceCollection> services)
    {
        CommandRouting.Map(CommandRoutes.Queues);

        var collection = new ServiceCollection().AddSingleton<TimeProvider>(new FixedTimeProvider(now));
        services(collection);
        _provider = collection
            .AddMassTransitTestHarness(x =>
            {
                x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(10));
                x.AddSagaStateMachine<TMachine, TState>(definition);
            })
            .BuildServiceProvider(validateScopes: true);

        Harness = _provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<TMachine, TState>();
    }

    /// <summary>The saga instance this harness plays; a new one for every harness.</summary>
    public Guid CorrelationId { get; } = NewId.NextGuid();

    public ITestHarness Harness { get; }

    public ISagaStateMachineTestHarness<TMachine, TState> Saga { get; }

    /// <summary>The saga instance as it is now, or null before it starts and after it is finalized.</summary>
    public TState? Instance => Saga.Sagas.Select(x => x.CorrelationId == CorrelationId, SoFar).FirstOrDefault()?.Saga;

    protected Task StartAsync() => Harness.Start();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public async Task ShouldBeIn(Func<TMachine, State> state)
    {
        var found = await Saga.Exists(CorrelationId, state, StateTimeout);
        found.ShouldBe(CorrelationId,
            $"{typeof(TState).Name} never reached {state(Saga.StateMachine).Name}; it is in {CurrentState ?? "no state"}");
    }

    public async Task ShouldBeFinished()
    {
        var remaining = await Saga.NotExists(CorrelationId, StateTimeout);
        remaining.ShouldBeNull($"the {typeof(TState).Name} saga should have been finalized and removed");
    }

    public IReadOnlyList<T> Sent<T>()
        where T : class =>
        Harness.Sent.Select<T>(SoFar).Select(x => x.Context.Message).ToList();

    public IReadOnlyList<T> Published<T>()
        where T : class =>
        Harness.Published.Select<T>(SoFar).Select(x => x.Context.Message).ToList();

    public void NoMessageShouldHaveFaulted()
    {
        var faults = Harness.Consumed.Select(x => x.Exception is not null, SoFar)
            .Select(x => $"{x.MessageType.Name}: {x.Exception.Message}")
            .ToList();
        faults.ShouldBeEmpty();
    }

    /// <summary>
    /// Delivers a message that does not move the saga on, as its sender would (commands sent to their route,
    /// events published), and waits until the saga has consumed it.
    /// </summary>
    public async Task Deliver<T>(T message)
        where T : class
    {
        var messageId = NewId.NextGuid();
        if (EndpointConvention.TryGetDestinationAddress<T>(out var route))
            await (await Harness.Bus.GetSendEndpoint(route)).Send(message, context => context.MessageId = messageId);
        else
            await Harness.Bus.Publish(message, context => context.MessageId = messageId);

        var consumed = await Saga.Consumed.Any<T>(x => x.Context.MessageId == messageId);
        consumed.ShouldBeTrue($"the saga did not consume {typeof(T).Name}");
    }

    /// <summary>The name of the state <paramref name="instance"/> is in, for failure messages.</summary>
    protected abstract string StateOf(TState instance);

    string? CurrentState => Instance is { } instance ? StateOf(instance) : null;

    sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
