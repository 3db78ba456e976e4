using MassTransit;
using MassTransit.Middleware;
using Orchestration.Messages.Operations;

namespace Orchestration.Platform.SagaAudit;

/// <summary>The saga instance a message was being applied to, kept on its receive context for the error queue's headers.</summary>
public sealed class SagaInstanceLink
{
    public string SagaType { get; private set; } = "";
    public Guid SagaId { get; private set; }

    public static void Mark(ReceiveContext context, Type sagaType, Guid sagaId)
    {
        var link = context.GetOrAddPayload(() => new SagaInstanceLink());
        link.SagaType = sagaType.Name;
        link.SagaId = sagaId;
    }
}

/// <summary>
/// A message a saga failed on enters its error queue with the saga's type and id (<see cref="SagaAuditHeaders"/>), so the
/// failed message links to the instance's audit. The rest of the error pipe is MassTransit's own: a fault is published
/// and the message moved.
/// </summary>
public sealed class SagaFaultHeaders : IConfigureReceiveEndpoint
{
    public void Configure(string name, IReceiveEndpointConfigurator configurator) =>
        configurator.ConfigureError(error =>
        {
            error.UseFilter(new LinkFilter());
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });

    sealed class LinkFilter : IFilter<ExceptionReceiveContext>
    {
        public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
        {
            if (context.TryGetPayload<SagaInstanceLink>(out var link))
            {
                context.ExceptionHeaders.Set(SagaAuditHeaders.SagaType, link.SagaType);
                context.ExceptionHeaders.Set(SagaAuditHeaders.SagaId, link.SagaId.ToString("D"));
            }

            return next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("sagaFaultHeaders");
    }
}
