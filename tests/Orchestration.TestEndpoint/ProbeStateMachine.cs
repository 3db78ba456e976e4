using MassTransit;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.TestEndpoint;

public sealed class ProbeState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public int Count { get; set; }
    public Guid? TimeoutTokenId { get; set; }
}

/// <summary>A small saga whose every transition is observable: counts increments and owns one timeout.</summary>
public sealed class ProbeStateMachine : MassTransitStateMachine<ProbeState>
{
    public ProbeStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, e => e.CorrelateById(m => m.Message.ProbeId));
        Event(() => Incremented, e => e.CorrelateById(m => m.Message.ProbeId));
        Event(() => Armed, e => e.CorrelateById(m => m.Message.ProbeId));
        Event(() => Disarmed, e => e.CorrelateById(m => m.Message.ProbeId));
        Event(() => ArmedThenFailed, e => e.CorrelateById(m => m.Message.ProbeId));
        Schedule(() => Timeout, x => x.TimeoutTokenId, s => s.Received = r => r.CorrelateById(m => m.Message.ProbeId));

        Initially(
            When(Started).TransitionTo(Running));

        During(Running,
            When(Incremented)
                .Then(x => x.Saga.Count += x.Message.Amount)
                .Publish(x => new ProbeIncremented(x.Saga.CorrelationId, x.Saga.Count)),
            When(Armed)
                .Schedule(Timeout, x => new ProbeTimeoutExpired(x.Saga.CorrelationId), x => TimeSpan.FromSeconds(x.Message.Seconds)),
            When(Disarmed)
                .Unschedule(Timeout),
            // The schedule request belongs to the transaction that fails: it must never reach the scheduler.
            When(ArmedThenFailed)
                .Schedule(Timeout, x => new ProbeTimeoutExpired(x.Saga.CorrelationId), x => TimeSpan.FromSeconds(x.Message.Seconds))
                .Then(x => throw new InvalidOperationException($"Probe {x.Saga.CorrelationId} fails after scheduling its timeout")),
            When(Timeout!.Received)
                .Publish(x => new ProbeTimedOut(x.Saga.CorrelationId, x.Saga.Count))
                .TransitionTo(TimedOut));
    }

    public State Running { get; private set; } = null!;
    public State TimedOut { get; private set; } = null!;

    public Event<StartProbe> Started { get; private set; } = null!;
    public Event<IncrementProbe> Incremented { get; private set; } = null!;
    public Event<ArmProbeTimeout> Armed { get; private set; } = null!;
    public Event<DisarmProbeTimeout> Disarmed { get; private set; } = null!;
    public Event<ArmProbeTimeoutThenFail> ArmedThenFailed { get; private set; } = null!;
    public Schedule<ProbeState, ProbeTimeoutExpired> Timeout { get; private set; } = null!;
}
