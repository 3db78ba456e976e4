using MassTransit;
using Orchestration.Messages;

namespace Orchestration.Sagas.Leasing;

/// <summary>
/// Pins the saga to the queue that <see cref="CommandRoutes"/> sends its commands to, so renaming the state type
/// cannot silently move the saga away from them.
/// </summary>
public sealed class LeaseSigningDefinition : SagaDefinition<LeaseSigningState>
{
    public LeaseSigningDefinition() => EndpointName = CommandRoutes.LeaseSigning;
}
