using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Messages.Operations;
using Orchestration.Simulators.Webhooks;

namespace Orchestration.Operations.Tests;

/// <summary>
/// The alerts on failures and slow handling, each through an admin's rule to a signed webhook on a real HTTP receiver: a
/// failure group Operations has never seen, messages moved to error above a threshold, and critical time above one. The
/// failures and samples come as Operations receives them from the endpoints: failed messages it stored and heartbeats.
/// </summary>
[Collection(DistributedMonitoringCollection.Name)]
public sealed class When_failures_or_slow_handling_cross_an_alert_rule(DistributedMonitoring fixture) : IAsyncLifetime
{
    AlertWebhookReceiver? _receiver;
    HttpClient? _hooks;

    MonitoringHost Host => fixture.Host;
    HttpClient Hooks => _hooks!;

    public async Task InitializeAsync()
    {
        _receiver = await AlertWebhookReceiver.StartAsync(CancellationToken.None);
        _hooks = new HttpClient { BaseAddress = _receiver.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Hooks.Dispose();
        await _receiver!.DisposeAsync();
    }

    [Fact]
    public async Task Should_alert_a_new_failure_group_once_however_often_its_messages_fail_by_the_endpoint_consuming_its_queue()
    {
        // Staff know endpoints by the names they beat as; a failure names its host's assembly and the queue it failed in.
        var endpoint = $"billing-{Guid.NewGuid():N}"[..20];
        var queue = $"{endpoint}-charges";
        await BeatAsync(new EndpointHeartbeat
        {
            Endpoint = endpoint, Instance = "a", Host = "billing-host", SentAt = DateTimeOffset.UtcNow, Interval = TimeSpan.FromSeconds(10),
            Autoscaled = false, Checks = [], Queues = [queue],
        });
        var hook = await WebhookRuleAsync(new { name = "new failures of " + endpoint, kind = "new-failure-group", endpoint, coolDownSeconds = 0 });
        var known = $"group-{Guid.NewGuid():N}";

        await Host.Operations.Bus.Publish(Failed(queue, known, "InvalidOperationException"));
        await ReceivedAsync(hook, r => r.Count(Of("new-failure-group")) == 1, "the new group alerts");
        await Host.Operations.Bus.Publish(Failed(queue, known, "InvalidOperationException"));
        await Host.Operations.Bus.Publish(Failed(queue, $"group-{Guid.NewGuid():N}", "TimeoutException"));

        var received = await ReceivedAsync(hook, r => r.Count(Of("new-failure-group")) == 2, "a second new group alerts too");
        received.Where(Of("new-failure-group")).Select(r => Body(r).GetProperty("subject").GetString())
            .ShouldBe([$"New failure group: InvalidOperationException in {endpoint}", $"New failure group: TimeoutException in {endpoint}"],
                "a message failing in a group already seen alerts nothing");
        received.ShouldAllBe(r => r.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Should_alert_failures_and_critical_time_above_their_thresholds_once_and_their_return_to_normal()
    {
        var endpoint = $"leasing-{Guid.NewGuid():N}"[..20];
        var hook = await WebhookRuleAsync(
            new { name = "failures of " + endpoint, kind = "failures", endpoint, threshold = 2, windowSeconds = 4 },
            new { name = "slow " + endpoint, kind = "critical-time", endpoint, threshold = 1000, windowSeconds = 4 });

        // One heartbeat: three messages moved to error and one waited 5 s; both fall out of the rules' 4 s window after it
        // (long enough for a busy machine to store and evaluate the heartbeat within it).
        await BeatAsync(new EndpointHeartbeat
        {
            Endpoint = endpoint, Instance = "a", Host = "leasing-host", SentAt = DateTimeOffset.UtcNow, Interval = TimeSpan.FromSeconds(10),
            Autoscaled = false, Checks = [],
            Metrics =
            [
                new MessageTypeMetrics
                {
                    MessageType = "SubmitLeaseApplication", Handled = 4, Failed = 3, Retries = 0, MovedToError = 3, ProcessingMsTotal = 40,
                    CriticalMsTotal = 5400, CriticalMsMax = 5000,
                },
            ],
        });

        var received = await ReceivedAsync(hook, r => r.Any(Of("failures-normal")) && r.Any(Of("critical-time-normal")),
            "both incidents open and close as the samples leave the window");
        string[] kinds = [.. received.Select(r => Body(r).GetProperty("kind").GetString()!)];
        kinds.Count(k => k == "failures-above").ShouldBe(1, string.Join(", ", kinds));
        kinds.Count(k => k == "critical-time-above").ShouldBe(1, string.Join(", ", kinds));
        Array.IndexOf(kinds, "failures-above").ShouldBeLessThan(Array.IndexOf(kinds, "failures-normal"));
        Array.IndexOf(kinds, "critical-time-above").ShouldBeLessThan(Array.IndexOf(kinds, "critical-time-normal"));
        received.Single(Of("failures-above")).GetProperty("body").GetProperty("text").GetString().ShouldNotBeNull().ShouldContain("is 3 messages");
        received.Single(Of("critical-time-above")).GetProperty("body").GetProperty("text").GetString().ShouldNotBeNull().ShouldContain("is 5000 ms");
        received.ShouldAllBe(r => r.GetProperty("verified").GetBoolean());
    }

    async Task BeatAsync(EndpointHeartbeat heartbeat)
    {
        await Host.Operations.Bus.Publish(heartbeat);
        await Eventually.HoldsAsync(async () => await Host.Operations.ReadAsync<EndpointInstanceStore, EndpointInstanceRow?>(
                (store, session, ct) => store.FindAsync(session, heartbeat.Endpoint, heartbeat.Instance, ct)) is { } row
            && row.LastHeartbeat == heartbeat.SentAt.ToUnixTimeMilliseconds(), TimeSpan.FromSeconds(10), $"the heartbeat of {heartbeat.Endpoint} is recorded");
    }

    /// <summary>A webhook channel on the receiver and the given rules alerting through it, all listed; returns the hook's name.</summary>
    async Task<string> WebhookRuleAsync(params object[] rules)
    {
        var admin = await Host.SignInAsAdminAsync();
        var hook = $"failures-{Guid.NewGuid():N}";
        var channel = await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/channels",
            new { name = hook, kind = "webhook", url = new Uri(Hooks.BaseAddress!, $"/hooks/{hook}") }), HttpStatusCode.Accepted);
        (await Hooks.PutAsJsonAsync($"/_sim/alert-webhooks/{hook}/secret", new { secret = channel.GetProperty("secret").GetString() }))
            .EnsureSuccessStatusCode();
        var channelId = channel.GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/channels")))
            .EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == channelId), TimeSpan.FromSeconds(10), "the channel is listed");

        var ruleIds = new List<Guid>();
        foreach (var rule in rules)
        {
            var fields = JsonSerializer.SerializeToNode(rule, JsonSerializerOptions.Web)!.AsObject();
            fields["channelIds"] = new System.Text.Json.Nodes.JsonArray(channelId.ToString());
            ruleIds.Add((await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules", fields), HttpStatusCode.Accepted))
                .GetProperty("id").GetGuid());
        }

        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/rules")))
            .EnumerateArray().Count(r => ruleIds.Contains(r.GetProperty("id").GetGuid())) == ruleIds.Count, TimeSpan.FromSeconds(10), "the rules are listed");
        return hook;
    }

    async Task<JsonElement[]> ReceivedAsync(string hook, Func<JsonElement[], bool> done, string what)
    {
        JsonElement[] received = [];
        await Eventually.HoldsAsync(async () =>
        {
            received = [.. (await MonitoringFlow.JsonAsync(await Hooks.GetAsync($"/_sim/alert-webhooks/{hook}"))).EnumerateArray()
                .Where(r => r.GetProperty("status").GetInt32() == 200)];
            return done(received);
        }, TimeSpan.FromSeconds(15), what);
        return received;
    }

    static JsonElement Body(JsonElement received) => received.GetProperty("body");

    static Func<JsonElement, bool> Of(string kind) => r => Body(r).GetProperty("kind").GetString() == kind;

    static FailedMessageChanged Failed(string queue, string group, string exceptionType)
    {
        var now = DateTimeOffset.UtcNow;
        return new FailedMessageChanged
        {
            MessageId = NewId.NextGuid(), Version = 1, Status = "Unresolved", MessageType = "ChargeRent", Endpoint = "Orchestration.Endpoints.Billing", InputQueue = queue,
            Host = "billing-host", ExceptionType = exceptionType, ExceptionMessage = "the payment gateway said no", StackTrace = "at ChargeRent",
            ExceptionGroup = group, Headers = new Dictionary<string, string>(), Body = "{}", FirstFailedAt = now, LastFailedAt = now, TimesFailed = 1,
        };
    }
}
