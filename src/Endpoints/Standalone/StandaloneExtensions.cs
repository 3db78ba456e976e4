using MassTransit;
using Orchestration.Endpoints.Billing;
using Orchestration.Endpoints.Devices;
using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Leasing;
using Orchestration.Endpoints.Maintenance;
using Orchestration.Endpoints.Notifications;
using Orchestration.Endpoints.Operations.FailedMessages;
using Orchestration.Endpoints.Operations.Monitoring;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Endpoints.Standalone;

public static class StandaloneExtensions
{
    /// <summary>The whole platform in one process: in-memory transport, one SQLite file, the scheduler, every saga.</summary>
    public static IServiceCollection AddStandalone(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddLeaseSigning(configuration);
        services.AddMaintenanceDispatch(configuration);

        // The third parties first, so they answer before the first message is handled.
        services.AddSimulators(configuration);
        services.AddGatewayWebhooks(configuration);
        services.AddLeasingServices(configuration);
        services.AddBillingServices(configuration);
        services.AddDevicesServices(configuration);
        services.AddMaintenanceServices(configuration);
        services.AddNotificationsServices(configuration);
        services.AddOrchestrationEndpoint(configuration, "standalone", x =>
        {
            x.AddLeaseSigningSaga();
            x.AddLeasingConsumers();
            x.AddBillingConsumers();
            x.AddDevicesConsumers();
            x.AddMaintenanceDispatchSaga();
            x.AddMaintenanceConsumers();
            x.AddNotifications();
            x.AddGatewayProjections();
            x.AddFailedMessageConsumers();
            x.AddOperationsMonitoringConsumers();
        });
        services.AddGatewayApi(configuration);
        services.AddFailedMessages(configuration);
        services.AddOperationsMonitoring(configuration);

        // After the migrations and the bus (registered above), so the demo rows land in tables that exist.
        services.AddHostedService<DemoData>();
        return services;
    }
}
