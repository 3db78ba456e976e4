using Orchestration.Platform.Http;

namespace Orchestration.Endpoints.Maintenance;

/// <summary>The endpoint's own settings in the <c>Maintenance</c> section; the saga's deadlines and limits share it.</summary>
public sealed class MaintenanceOptions : IValidatableOptions
{
    /// <summary>Retries, timeouts and circuit breaker of the webhooks to vendors (<c>Maintenance:Dispatch:Resilience</c>).</summary>
    public DispatchOptions Dispatch { get; set; } = new();

    public IEnumerable<string> Problems() => Dispatch.Resilience.Problems("Maintenance:Dispatch:Resilience");

    public sealed class DispatchOptions
    {
        public ProviderResilienceOptions Resilience { get; set; } = new();
    }
}
