namespace Orchestration.Endpoints.Operations.Heartbeats;

public sealed class HeartbeatMonitorOptions
{
    public const string Section = "Operations:Heartbeats";

    /// <summary>An instance whose last heartbeat is older than this is lost (four of its default 10 s intervals).</summary>
    public TimeSpan LostAfter { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>How often instances are looked at for lost heartbeats.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(5);
}
