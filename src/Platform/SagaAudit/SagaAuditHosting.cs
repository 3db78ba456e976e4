using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.SagaAudit;

public static class SagaAuditHosting
{
    /// <summary>
    /// The saga audit of an endpoint that stores sagas in SQL: its table, the recorder the saga repository calls, the
    /// shipper, and the saga's type and id on the messages it fails on. Added once, however many saga types the endpoint
    /// has; <c>SagaAudit:Enabled</c> turns the recording off.
    /// </summary>
    public static IServiceCollection AddSagaAudit(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SagaAuditRecorder)))
            return services;

        services.AddSingleton(SagaAuditStore.Migration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SagaAuditStore>();
        services.AddSingleton<SagaAuditRecorder>();
        services.AddOptions<SagaAuditOptions>().BindConfiguration(SagaAuditOptions.Section)
            .Validate(o => !o.Problems().Any(), "The SagaAudit section is invalid: ShipInterval must be positive, BatchSize from 1 to 1000.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SagaAuditShipper>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MassTransit.IConfigureReceiveEndpoint, SagaFaultHeaders>());
        return services;
    }
}
