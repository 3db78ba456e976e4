using Orchestration.Endpoints.Operations.Monitoring;

namespace Orchestration.Operations.Tests.Infrastructure;

/// <summary>What staff see in the monitoring API while work waits at a shut gate and after it went through.</summary>
public static class MonitoringFlow
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static async Task<JsonElement?> EndpointAsync(HttpClient staff, string endpoint)
    {
        var overview = await JsonAsync(await staff.GetAsync("/api/operations/monitoring"));
        return overview.GetProperty("endpoints").EnumerateArray().Where(e => e.GetProperty("endpoint").GetString() == endpoint)
            .Select(e => (JsonElement?)e).FirstOrDefault();
    }

    /// <summary>
    /// Work sent while the gate is shut is sampled as the endpoint's queue length (at least <paramref name="queued"/>); once
    /// the gate opens, the queue empties, the overview counts the work handled, and the endpoint's history counts it under
    /// its message type and shows the queue the gate made.
    /// </summary>
    public static async Task QueueThenDrainAsync(MonitoringHost host, HttpClient staff, int work, int queued)
    {
        var startedAt = DateTimeOffset.UtcNow;
        host.Gate.Shut();
        var doneBefore = host.Gate.Done;
        await host.SendWorkAsync(work);
        var monitoring = host.Operations.Services.GetRequiredService<MonitoringStore>();
        await Eventually.HoldsAsync(async () => (await monitoring.LatestQueueLengthsAsync(CancellationToken.None))
            .GetValueOrDefault(host.OperationsEndpoint) >= queued, TimeSpan.FromSeconds(15),
            $"Operations samples at least {queued} waiting messages as the {host.OperationsEndpoint} endpoint's queue length");
        // The Gateway gets the samples as messages of their own: the history can show the queue only once one has arrived.
        await Eventually.HoldsAsync(async () => await EndpointAsync(staff, host.OperationsEndpoint) is { } e
            && e.GetProperty("queueLength") is { ValueKind: JsonValueKind.Number } length && length.GetInt64() >= queued,
            TimeSpan.FromSeconds(15), $"the overview shows at least {queued} waiting messages");

        host.Gate.Open();
        await Eventually.HoldsAsync(() => Task.FromResult(host.Gate.Done - doneBefore == work), TimeSpan.FromSeconds(20), "the work is done");
        await Eventually.HoldsAsync(async () => await EndpointAsync(staff, host.OperationsEndpoint) is { } e
            && e.GetProperty("queueLength").ValueKind == JsonValueKind.Number && e.GetProperty("queueLength").GetInt64() == 0
            && e.GetProperty("window").GetProperty("handled").GetInt64() >= work,
            TimeSpan.FromSeconds(20), "the overview shows the queue empty again and counts the work handled in its window");

        var from = Uri.EscapeDataString(startedAt.AddSeconds(-5).ToString("O"));
        JsonElement history = default;
        await Eventually.HoldsAsync(async () =>
        {
            history = await JsonAsync(await staff.GetAsync($"/api/operations/monitoring/{host.OperationsEndpoint}?from={from}&messageType={nameof(MonitoredWork)}"));
            return history.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("stats").GetProperty("handled").GetInt64()) >= work;
        }, TimeSpan.FromSeconds(15), "the history of the work's message type counts it");
        history.GetProperty("points").EnumerateArray()
            .Any(p => p.GetProperty("queueLength") is { ValueKind: JsonValueKind.Number } q && q.GetInt64() >= queued)
            .ShouldBeTrue("a point of the history shows the queue the shut gate made");
        history.GetProperty("messageTypes").EnumerateArray().ShouldContain(t => t.GetProperty("messageType").GetString() == nameof(MonitoredWork)
            && t.GetProperty("stats").GetProperty("processingMsAvg").GetDouble() > 0);
    }
}
