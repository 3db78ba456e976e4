using MassTransit;
using Orchestration.Messages;

namespace Orchestration.Sagas.Billing;

/// <summary>Pins the saga to its <see cref="CommandRoutes"/> queue, so renaming the state type cannot move it.</summary>
public sealed class RentCollectionDefinition : SagaDefinition<RentCollectionState>
{
    public RentCollectionDefinition() => EndpointName = CommandRoutes.RentCollection;
}
