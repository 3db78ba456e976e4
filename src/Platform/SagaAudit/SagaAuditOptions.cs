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

    /// <summary>The most steps one shipped event carries.</summary>
    public int BatchSize { get; set; } = 200;

    public IEnumerable<string> Problems()
    {
        if (ShipInterval <= TimeSpan.Zero)
            yield return "SagaAudit:ShipInterval must be positive.";
        if (BatchSize is < 1 or > 1000)
            yield return "SagaAudit:BatchSize must be from 1 to 1000.";
    }
}
