using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orchestration.Platform.Observability;

public static class ObservabilityHosting
{
    /// <summary>MassTransit's activity source and meter.</summary>
    const string MassTransitSource = "MassTransit";

    /// <summary>
    /// Traces (the bus, ASP.NET Core, HttpClient, Npgsql) exported over OTLP when <c>Observability:Otlp:Endpoint</c> or
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector; the bus's and the platform's meters for <c>/metrics</c>; the
    /// trace id and the message's ids (the bus activity's tags) in every log entry's scope, and JSON console logs when
    /// <c>Logging:Format</c> is <c>json</c>.
    /// </summary>
    public static IServiceCollection AddOrchestrationObservability(this IServiceCollection services, IConfiguration configuration,
        string endpointName)
    {
        var section = configuration.GetSection(ObservabilityOptions.Section);
        services.AddOptions<ObservabilityOptions>().Bind(section);
        // A web host has the meter factory already; a host built from a bare service collection does not.
        services.AddMetrics();
        services.AddSingleton<PlatformGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<PlatformGauges>());

        var otlpEndpoint = section["Otlp:Endpoint"] is { Length: > 0 } configured ? configured : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var protocol = section["Otlp:Protocol"] ?? configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "http/protobuf";
        var jsonLogs = string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(endpointName, serviceInstanceId: EndpointInstance.From(configuration)))
            .WithMetrics(metrics => metrics
                .AddMeter(MassTransitSource, PlatformMeter.Name)
                .AddPrometheusExporter());

        // Spans cost every message and request a little: they are recorded only when they go somewhere, to a collector
        // or (the message's ids are the bus activity's tags) into JSON logs.
        if (!string.IsNullOrWhiteSpace(otlpEndpoint) || jsonLogs)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(MassTransitSource)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                    tracing.AddOtlpExporter(o => UseCollector(o, new Uri(otlpEndpoint), protocol));
            });
        }

        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId | ActivityTrackingOptions.Tags);
        if (jsonLogs)
        {
            services.AddLogging(logging => logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            }));
        }

        return services;
    }

    /// <summary><c>/metrics</c> in the Prometheus text format, open to anyone like the health routes.</summary>
    public static IEndpointRouteBuilder MapOrchestrationMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return endpoints;
    }

    static bool IsScrapeOrProbe(string? path) =>
        path is not null && (path.StartsWith("/metrics", StringComparison.Ordinal) || path.StartsWith("/health", StringComparison.Ordinal));

    /// <summary>
    /// Given in code, the endpoint is used as is; the signal's path is added here, as the exporter itself does for the
    /// standard variable.
    /// </summary>
    static void UseCollector(OtlpExporterOptions options, Uri endpoint, string protocol)
    {
        if (protocol.Equals("grpc", StringComparison.OrdinalIgnoreCase))
        {
            options.Protocol = OtlpExportProtocol.Grpc;
            options.Endpoint = endpoint;
            return;
        }

        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.Endpoint = new Uri(endpoint.ToString().TrimEnd('/') + "/v1/traces");
    }
}
