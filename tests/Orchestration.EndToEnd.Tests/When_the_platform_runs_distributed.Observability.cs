namespace Orchestration.EndToEnd.Tests;

/// <summary>What an operator's collector and Prometheus see of the same run.</summary>
public sealed partial class When_the_platform_runs_distributed
{
    /// <summary>The endpoints one lease application passes through on its way to Active.</summary>
    static readonly string[] TracedEndpoints = ["gateway", "leasing", "billing", "notifications", "devices"];

    [Fact]
    public async Task Should_trace_a_lease_application_across_every_endpoint_it_touches_under_one_trace_id()
    {
        await platform.ActiveLeaseAsync();
        var collector = platform.Collector;

        IReadOnlyList<ReceivedSpan> trace = [];
        try
        {
            await Eventually.HoldsAsync(() =>
            {
                var spans = collector.Spans;
                var application = spans.FirstOrDefault(s => s.Service == "gateway" && s.Name.StartsWith("POST", StringComparison.Ordinal)
                    && s.Name.Contains("lease-applications", StringComparison.Ordinal));
                trace = application is null ? [] : spans.Where(s => s.TraceId == application.TraceId).ToList();
                return Task.FromResult(TracedEndpoints.All(endpoint => trace.Any(s => s.Service == endpoint)));
            }, TimeSpan.FromSeconds(30), "the lease application's trace has spans from " + string.Join(", ", TracedEndpoints));
        }
        catch (ShouldAssertException exception)
        {
            var spans = collector.Spans;
            throw new ShouldAssertException($"{exception.Message}\nServices in the trace: {string.Join(", ", trace.Select(s => s.Service).Distinct())}; "
                + $"{spans.Count} spans received in {spans.Select(s => s.TraceId).Distinct().Count()} traces from "
                + string.Join(", ", spans.Select(s => s.Service).Distinct()) + "\nGateway spans: "
                + string.Join(" | ", spans.Where(s => s.Service == "gateway").Select(s => s.Name).Distinct().Take(30)));
        }

        trace.Select(s => s.SpanId).ShouldBeUnique();
    }

    [Fact]
    public async Task Should_serve_metrics_in_the_prometheus_text_format_on_every_endpoint()
    {
        await platform.ActiveLeaseAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var endpoint in DistributedRun.Endpoints)
        {
            var response = await http.GetAsync(new Uri(platform.Run.Url(endpoint), "/metrics"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{endpoint} /metrics");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("text/plain", $"{endpoint} /metrics content type");
            var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
            samples.ShouldContain(s => s.Name == "orchestration_outbox_backlog", $"{endpoint} reports its outbox backlog");
            samples.ShouldContain(s => s.Name.StartsWith("messaging_masstransit_", StringComparison.Ordinal), $"{endpoint} reports the bus's meters");
        }
    }
}
