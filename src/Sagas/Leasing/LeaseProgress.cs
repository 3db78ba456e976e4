using MassTransit;
using Orchestration.Messages.Leasing;

namespace Orchestration.Sagas.Leasing;

public static class LeaseProgress
{
    /// <summary>
    /// Counts one more step of the lease and publishes it. Placed after the step's transition, so the event names the
    /// stage the lease is in now; it commits with the saga's new state, so the count and the events always agree.
    /// </summary>
    public static EventActivityBinder<LeaseSigningState, T> Progressed<T>(this EventActivityBinder<LeaseSigningState, T> binder,
        EventMessageFactory<LeaseSigningState, T, LeaseSigningProgressed> progress)
        where T : class =>
        binder
            .Then(context => context.Saga.ProgressSequence++)
            .Publish(progress);
}
