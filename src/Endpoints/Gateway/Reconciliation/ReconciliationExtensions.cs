using MassTransit;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

public static class ReconciliationExtensions
{
    /// <summary>The queue on which the Gateway keeps provider events that moved nothing.</summary>
    public const string DiscrepancyQueue = "gateway-provider-discrepancies";

    /// <summary>The queue on which the Gateway keeps Billing's reconciliation reports.</summary>
    public const string RunsQueue = "gateway-reconciliation-runs";

    /// <summary>
    /// The projection of <c>ProviderEventDiscrepancyRecorded</c> into <c>provider_discrepancies</c>, its table and its
    /// counter, which <see cref="DiscrepanciesApi"/> reads; and of Billing's reconciliation reports into
    /// <c>reconciliation_run_view</c>, which <c>ReconciliationApi</c> reads.
    /// </summary>
    public static IBusRegistrationConfigurator AddProviderDiscrepancies(this IBusRegistrationConfigurator x)
    {
        x.AddStore<DiscrepancyStore>(DiscrepancyMigrations.Tables);
        x.AddMetrics();
        x.AddSingleton<DiscrepancyMetrics>();
        x.AddConsumer<DiscrepancyProjectionConsumer>().Endpoint(e => e.Name = DiscrepancyQueue);
        x.AddStore<ReconciliationRunStore>(ReconciliationRunStore.Tables);
        x.AddConsumer<ReconciliationRunProjectionConsumer>().Endpoint(e => e.Name = RunsQueue);
        return x;
    }
}
