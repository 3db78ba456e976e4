using MassTransit;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

public static class ReconciliationExtensions
{
    /// <summary>The queue on which the Gateway keeps provider events that moved nothing.</summary>
    public const string DiscrepancyQueue = "gateway-provider-discrepancies";

    /// <summary>
    /// The projection of <c>ProviderEventDiscrepancyRecorded</c> into <c>provider_discrepancies</c>, its table and its
    /// counter; <see cref="DiscrepanciesApi"/> reads them.
    /// </summary>
    public static IBusRegistrationConfigurator AddProviderDiscrepancies(this IBusRegistrationConfigurator x)
    {
        x.AddStore<DiscrepancyStore>(DiscrepancyMigrations.Tables);
        x.AddMetrics();
        x.AddSingleton<DiscrepancyMetrics>();
        x.AddConsumer<DiscrepancyProjectionConsumer>().Endpoint(e => e.Name = DiscrepancyQueue);
        return x;
    }
}
