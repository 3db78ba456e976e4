using Orchestration.Simulators.Webhooks;

namespace Orchestration.Operations.Tests;

/// <summary>
/// An admin's queue-length rule alerting through a webhook channel, delivered to a real HTTP receiver that checks the
/// HMAC signature with the secret the API answered once.
/// </summary>
[Collection(DistributedMonitoringCollection.Name)]
public sealed class When_admins_route_alerts_to_a_signed_webhook(DistributedMonitoring fixture) : IAsyncLifetime
{
    AlertWebhookReceiver? _receiver;

    MonitoringHost Host => fixture.Host;
    AlertWebhookReceiver Receiver => _receiver!;

    public async Task InitializeAsync() => _receiver = await AlertWebhookReceiver.StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await Receiver.DisposeAsync();

    [Fact]
    public async Task Should_send_one_signed_alert_per_incident_and_retry_a_refused_delivery_with_the_same_event_id()
    {
        var admin = await Host.SignInAsAdminAsync();
        using var receiver = new HttpClient { BaseAddress = Receiver.BaseAddress };
        var hook = $"ops-{Guid.NewGuid():N}";

        var channel = await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/channels",
            new { name = "on-call", kind = "webhook", url = new Uri(Receiver.BaseAddress, $"/hooks/{hook}") }), HttpStatusCode.Accepted);
        var channelId = channel.GetProperty("id").GetGuid();
        var secret = channel.GetProperty("secret").GetString()!;
        secret.ShouldStartWith("whsec_");
        (await receiver.PutAsJsonAsync($"/_sim/alert-webhooks/{hook}/secret", new { secret })).EnsureSuccessStatusCode();
        (await receiver.PutAsJsonAsync($"/_sim/alert-webhooks/{hook}/failures", new { count = 2 })).EnsureSuccessStatusCode();
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/channels")))
            .EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == channelId && c.GetProperty("hasSecret").GetBoolean()
                && !c.TryGetProperty("secret", out _)), TimeSpan.FromSeconds(10), "the channel is listed, with a secret it does not show");

        var rule = await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules", new
        {
            name = "queue builds up", kind = "queue-length", endpoint = Host.OperationsEndpoint, threshold = 5, coolDownSeconds = 600,
            channelIds = new[] { channelId },
        }), HttpStatusCode.Accepted);
        var ruleId = rule.GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/rules")))
            .EnumerateArray().Any(r => r.GetProperty("id").GetGuid() == ruleId), TimeSpan.FromSeconds(10), "the rule is listed");

        Host.Gate.Shut();
        await Host.SendWorkAsync(12);
        JsonElement[] received = [];
        await Eventually.HoldsAsync(async () =>
        {
            received = [.. (await MonitoringFlow.JsonAsync(await receiver.GetAsync($"/_sim/alert-webhooks/{hook}"))).EnumerateArray()];
            return received.Any(r => r.GetProperty("status").GetInt32() == 200 && Kind(r) == "queue-length-above");
        }, TimeSpan.FromSeconds(20), "the queue-length alert is delivered once the receiver stops refusing it");
        var above = received.Where(r => Kind(r) == "queue-length-above").ToList();
        above.Select(r => r.GetProperty("status").GetInt32()).ShouldBe([503, 503, 200]);
        above.Select(r => r.GetProperty("eventId").GetString()).Distinct().Count().ShouldBe(1, "every attempt carries the same event id");
        above.ShouldAllBe(r => r.GetProperty("verified").GetBoolean() && r.GetProperty("idempotencyKey").GetString() == r.GetProperty("eventId").GetString());

        Host.Gate.Open();
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await receiver.GetAsync($"/_sim/alert-webhooks/{hook}")))
            .EnumerateArray().Any(r => r.GetProperty("status").GetInt32() == 200 && Kind(r) == "queue-length-normal"),
            TimeSpan.FromSeconds(20), "the incident closes with one alert once the queue drains");
        received = [.. (await MonitoringFlow.JsonAsync(await receiver.GetAsync($"/_sim/alert-webhooks/{hook}"))).EnumerateArray()];
        received.Where(r => Kind(r) == "queue-length-above").Select(r => r.GetProperty("eventId").GetString()).Distinct().Count()
            .ShouldBe(1, "the queue stayed long for many evaluations, and alerted once");
        received.ShouldAllBe(r => r.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Should_refuse_bad_rules_and_channels_naming_the_field_and_let_only_admins_change_them()
    {
        var admin = await Host.SignInAsAdminAsync();
        async Task ShouldNameAsync(HttpResponseMessage response, string field, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            (await MonitoringFlow.JsonAsync(response, status)).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(field);

        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "x", kind = "weather", channelIds = new[] { Guid.NewGuid() } }), "kind");
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "x", kind = "queue-length", channelIds = new[] { Guid.NewGuid() } }), "threshold");
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "x", kind = "heartbeat", channelIds = Array.Empty<Guid>() }), "channelIds");
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "x", kind = "failures", threshold = 3, windowSeconds = 0, channelIds = new[] { Guid.NewGuid() } }), "windowSeconds");
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "x", kind = "heartbeat", channelIds = new[] { Guid.NewGuid() } }), "channelIds", HttpStatusCode.UnprocessableEntity);
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/channels",
            new { name = "mail", kind = "email", recipients = new[] { "not an address" } }), "recipients");
        await ShouldNameAsync(await admin.PostAsJsonAsync("/api/operations/alerts/channels",
            new { name = "hook", kind = "webhook", url = "ftp://example.test/hook" }), "url");
        (await admin.DeleteAsync($"/api/operations/alerts/rules/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var operatorClient = await Host.SignInAsNewStaffAsync(GatewayRoles.Operator);
        (await operatorClient.GetAsync("/api/operations/alerts/rules")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await operatorClient.PostAsJsonAsync("/api/operations/alerts/channels", new { name = "mail", kind = "email", recipients = new[] { "a@b.test" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    static string? Kind(JsonElement received) =>
        received.GetProperty("body") is { ValueKind: JsonValueKind.Object } body ? body.GetProperty("kind").GetString() : null;
}
