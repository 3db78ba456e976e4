using MassTransit;
using Orchestration.Messages;

namespace Orchestration.Sagas.Maintenance;

/// <summary>Pins the saga to the queue that <see cref="CommandRoutes"/> sends work-order commands to.</summary>
public sealed class MaintenanceDispatchDefinition : SagaDefinition<MaintenanceDispatchState>
{
    public MaintenanceDispatchDefinition() => EndpointName = CommandRoutes.MaintenanceDispatch;
}
