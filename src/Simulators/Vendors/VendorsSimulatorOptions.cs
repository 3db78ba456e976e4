namespace Orchestration.Simulators.Vendors;

/// <summary>
/// Configuration section <c>Simulators:Vendors</c>. Off unless enabled, because its vendors exist only once a test or
/// the run script has told it their signing secrets.
/// </summary>
public sealed class VendorsSimulatorOptions : ProviderSimulatorOptions
{
    public VendorsSimulatorOptions()
        : base("http://127.0.0.1:5095") => Enabled = false;

    /// <summary>How old a signature's timestamp may be (either way) before the call is refused as a replay.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The platform's vendor API, which the simulated vendors call to accept, decline and complete; none: they only record.</summary>
    public string? PlatformApiUrl { get; set; }
}
