using MassTransit;
using Orchestration.Platform.Storage;
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
    public Guid? DeadlineTokenId { get; set; }
    public bool Journal { get; set; }

    /// <summary>Per step: milliseconds from the saga sending the step to the saga handling its completion.</summary>
    public List<double> StepLatenciesMs { get; set; } = [];
}

/// <summary>
/// A workload saga: K steps, each a command to a worker endpoint and an event back (message in, state change,
/// message out), and optionally a deadline timeout. Used to measure the platform and to check that nothing is lost or
/// doubled under faults; with a journal, every message the saga handles leaves a row, so a message handled twice
/// (the saga's inbox failing) or a timeout fired twice shows as a repeated row even where the saga itself ignores it.
/// </summary>
public sealed class ChainStateMachine : MassTransitStateMachine<ChainState>
{
    public ChainStateMachine(TimeProvider time)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Started, e => e.CorrelateById(m => m.Message.ChainId));
        Event(() => StepDone, e => e.CorrelateById(m => m.Message.ChainId));
        Schedule(() => Deadline, x => x.DeadlineTokenId, s => s.Received = r => r.CorrelateById(m => m.Message.ChainId));

        Initially(
            When(Started)
                .Then(x =>
                {
                    x.Saga.Steps = x.Message.Steps;
                    x.Saga.Journal = x.Message.Journal;
                    x.Saga.StartedAt = time.GetUtcNow();
                })
                .Then(x => Record(x, "started"))
                .Send(x => new DoChainStep(x.Saga.CorrelationId, 1, time.GetUtcNow()))
                .If(x => x.Message.DeadlineAt is not null, deadline => deadline
                    .Schedule(Deadline, x => new ChainDeadlinePassed(x.Saga.CorrelationId), x => x.Message.DeadlineAt!.Value.UtcDateTime))
                .TransitionTo(Running));

        // Every matching When of an event runs in order: the repeated-step case comes first, so that a step just
        // counted by the next one is not taken for a repeat.
        During(Running,
            // A step reported twice (a redelivery the inbox no longer remembers) changes nothing, but is journalled.
            When(StepDone, x => x.Message.Step <= x.Saga.Completed)
                .Then(x => Record(x, $"step-{x.Message.Step}")),
            When(StepDone, x => x.Message.Step == x.Saga.Completed + 1)
                .Then(x => Record(x, $"step-{x.Message.Step}"))
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
                    next => next.Send(x => new DoChainStep(x.Saga.CorrelationId, x.Saga.Completed + 1, time.GetUtcNow()))));

        During(Done,
            When(StepDone)
                .Then(x => Record(x, $"step-{x.Message.Step}")),
            Ignore(Started));
        During(Running, Ignore(Started));

        // The deadline changes no state: it only has to arrive, once, whether the steps are done or not. Every copy
        // the saga handles is journalled, and separately the ones MassTransit accepts as the current schedule.
        DuringAny(
            When(Deadline.AnyReceived)
                .Then(x => Record(x, "deadline-delivered")),
            When(Deadline.Received)
                .Then(x => Record(x, "deadline")));
    }

    public State Running { get; private set; } = null!;
    public State Done { get; private set; } = null!;

    public Event<StartChain> Started { get; private set; } = null!;
    public Event<ChainStepDone> StepDone { get; private set; } = null!;
    public Schedule<ChainState, ChainDeadlinePassed> Deadline { get; private set; } = null!;

    // Written in the handler's transaction: it commits, or rolls back, with the transition it records.
    static void Record(SagaConsumeContext<ChainState> context, string entry)
    {
        if (!context.Saga.Journal)
            return;

        var session = context.GetServiceOrCreateInstance<SqlSession>();
        session.Defer($"INSERT INTO {session.Storage.Table("chain_journal")} (chain_id, entry) VALUES (@id, @entry)")
            .With("@id", context.Saga.CorrelationId).With("@entry", entry);
    }
}
