namespace Orchestration.Platform.Observability;

/// <summary>Where traces go, how logs are written, and how often the platform's own gauges are read.</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>How often the platform gauges (outbox backlog, parked rows, scheduler, inbox) are read from the database.</summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A scheduled message still unsent this long after it was due counts as late.</summary>
    public TimeSpan SchedulerLateAfter { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class OtlpOptions
{
    /// <summary>
    /// The collector's base address (<c>http://collector:4318</c>); empty exports nothing. The standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is used when this is not set.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the default) or <c>grpc</c>; the standard <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> is used when this is not set.</summary>
    public string? Protocol { get; set; }
}
