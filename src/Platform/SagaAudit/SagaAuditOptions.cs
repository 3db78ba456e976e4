using Orchestration.Platform.Hosting;

namespace Orchestration.Platform.SagaAudit;

/// <summary>The saga audit of an endpoint (section <c>SagaAudit</c>).</summary>
public sealed class SagaAuditOptions : IValidatableOptions
{
    public const string Section = "SagaAudit";

    /// <summary>Whether every saga step of this endpoint is recorded. On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often recorded steps are shipped when there were none left to ship.</summary>
    public TimeSpan ShipInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most steps one shipped event carries. Forty keep an event's body (a step is one to two KB of JSON) under the
    /// 85 KB from which .NET allocates on the large-object heap: batches of 200 took the saga endpoint of the benchmark
    /// from 189 to 243 MB at its peak.
    /// </summary>
    public int BatchSize { get; set; } = 40;

    public IEnumerable<string> Problems()
    {
        if (ShipInterval <= TimeSpan.Zero)
            yield return "SagaAudit:ShipInterval must be positive.";
        if (BatchSize is < 1 or > 1000)
            yield return "SagaAudit:BatchSize must be from 1 to 1000.";
    }
}
