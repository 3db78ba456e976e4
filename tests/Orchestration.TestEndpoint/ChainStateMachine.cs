using MassTransit;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.TestEndpoint;

public sealed class ChainState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public int Steps { get; set; }
    public int Completed { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Per step: milliseconds from the saga sending the step to the saga handling its completion.</summary>
    public List<double> StepLatenciesMs { get; set; } = [];
}

/// <summary>
/// A workload saga: K steps, each a command to a worker endpoint and an event back (message in, state change,
/// message out). Used to measure the platform and to check that nothing is lost or doubled under faults.
/// </summary>
public sealed class ChainStateMachine : MassTransitStateMachine<ChainState>
{
    public ChainStateMachine(TimeProvider time)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, e => e.CorrelateById(m => m.Message.ChainId));
        Event(() => StepDone, e => e.CorrelateById(m => m.Message.ChainId));

        Initially(
            When(Started)
                .Then(x =>
                {
                    x.Saga.Steps = x.Message.Steps;
                    x.Saga.StartedAt = time.GetUtcNow();
                })
                .Send(x => new DoChainStep(x.Saga.CorrelationId, 1, time.GetUtcNow()))
                .TransitionTo(Running));

        During(Running,
            When(StepDone, x => x.Message.Step == x.Saga.Completed + 1)
                .Then(x =>
                {
                    x.Saga.Completed++;
                    x.Saga.StepLatenciesMs.Add(Math.Round((time.GetUtcNow() - x.Message.RequestedAt).TotalMilliseconds, 2));
                })
                .IfElse(x => x.Saga.Completed == x.Saga.Steps,
                    done => done
                        .Then(x => x.Saga.FinishedAt = time.GetUtcNow())
                        .Publish(x => new ChainCompleted(x.Saga.CorrelationId, x.Saga.Steps))
                        .TransitionTo(Done),
                    next => next.Send(x => new DoChainStep(x.Saga.CorrelationId, x.Saga.Completed + 1, time.GetUtcNow()))),
            // A step reported twice (a redelivery the inbox no longer remembers) changes nothing.
            Ignore(StepDone, x => x.Message.Step <= x.Saga.Completed));

        During(Done, Ignore(StepDone), Ignore(Started));
        During(Running, Ignore(Started));
    }

    public State Running { get; private set; } = null!;
    public State Done { get; private set; } = null!;

    public Event<StartChain> Started { get; private set; } = null!;
    public Event<ChainStepDone> StepDone { get; private set; } = null!;
}
