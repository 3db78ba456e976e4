namespace Orchestration.Platform.Heartbeats;

public sealed class HeartbeatOptions
{
    public const string Section = "Heartbeats";

    public bool Enabled { get; set; } = true;

    /// <summary>How often the instance says it is alive. A heartbeat not consumed within four intervals expires.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True for an endpoint whose instances come and go with load: Operations then watches how many beat, not which.
    /// False (a fixed fleet): every instance that ever beat is expected to keep beating.
    /// </summary>
    public bool Autoscaled { get; set; }

    /// <summary>The disk check fails below this much free space where the process runs.</summary>
    public long MinimumFreeDiskMegabytes { get; set; } = 512;

    /// <summary>
    /// The third parties the endpoint calls, by name, with an address each heartbeat checks is reachable (the custom check
    /// <c>provider:&lt;name&gt;</c>); none by default.
    /// </summary>
    public Dictionary<string, string> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a provider has to answer its reachability check.</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
