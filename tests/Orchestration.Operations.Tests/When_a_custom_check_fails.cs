using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Heartbeats;
using Orchestration.Simulators.Webhooks;

namespace Orchestration.Operations.Tests;

/// <summary>
/// A provider's reachability is one of an endpoint's custom checks, and a check that starts failing between two heartbeats
/// alerts through the admins' check-failed rule.
/// </summary>
[Collection(DistributedMonitoringCollection.Name)]
public sealed class When_a_custom_check_fails(DistributedMonitoring fixture) : IAsyncLifetime
{
    AlertWebhookReceiver? _receiver;

    MonitoringHost Host => fixture.Host;
    AlertWebhookReceiver Receiver => _receiver!;

    public async Task InitializeAsync() => _receiver = await AlertWebhookReceiver.StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await Receiver.DisposeAsync();

    [Fact]
    public async Task Should_pass_a_provider_that_answers_and_fail_one_nobody_listens_for()
    {
        var http = Host.Operations.Services.GetRequiredService<IHttpClientFactory>();
        var reachable = new ProviderReachabilityHealthCheck("payments", Receiver.BaseAddress, http, TimeSpan.FromSeconds(5));
        (await reachable.CheckHealthAsync(new HealthCheckContext())).Status.ShouldBe(HealthStatus.Healthy);

        var gone = new ProviderReachabilityHealthCheck("screening", new Uri($"http://127.0.0.1:{FreePort.Next()}/"), http, TimeSpan.FromSeconds(5));
        var result = await gone.CheckHealthAsync(new HealthCheckContext());
        result.Status.ShouldBe(HealthStatus.Unhealthy);
        result.Description.ShouldNotBeNull().ShouldContain("screening");
    }

    [Fact]
    public async Task Should_alert_the_check_failing_once_and_its_passing_again()
    {
        var admin = await Host.SignInAsAdminAsync();
        using var receiver = new HttpClient { BaseAddress = Receiver.BaseAddress };
        var hook = $"checks-{Guid.NewGuid():N}";
        var endpoint = $"probe-{Guid.NewGuid():N}"[..20];
        var channel = await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/channels",
            new { name = "checks", kind = "webhook", url = new Uri(Receiver.BaseAddress, $"/hooks/{hook}") }), HttpStatusCode.Accepted);
        (await receiver.PutAsJsonAsync($"/_sim/alert-webhooks/{hook}/secret", new { secret = channel.GetProperty("secret").GetString() })).EnsureSuccessStatusCode();
        var channelId = channel.GetProperty("id").GetGuid();
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/channels")))
            .EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == channelId), TimeSpan.FromSeconds(10), "the channel is listed");
        var rule = await MonitoringFlow.JsonAsync(await admin.PostAsJsonAsync("/api/operations/alerts/rules",
            new { name = "checks of " + endpoint, kind = "check-failed", endpoint, channelIds = new[] { channelId } }), HttpStatusCode.Accepted);
        await Eventually.HoldsAsync(async () => (await MonitoringFlow.JsonAsync(await admin.GetAsync("/api/operations/alerts/rules")))
            .EnumerateArray().Any(r => r.GetProperty("id").GetGuid() == rule.GetProperty("id").GetGuid()), TimeSpan.FromSeconds(10), "the rule is listed");

        var sentAt = DateTimeOffset.UtcNow;
        // One at a time, each recorded before the next: a heartbeat overtaken by a later one changes nothing.
        async Task BeatAsync(int n, CheckStatus status)
        {
            var heartbeat = new EndpointHeartbeat
            {
                Endpoint = endpoint, Instance = "a", Host = "probe-host", SentAt = sentAt.AddSeconds(n), Interval = TimeSpan.FromSeconds(10),
                Autoscaled = false, Checks = [new CustomCheckResult { Name = "provider:payments", Status = status, Detail = "payments answered 503" }],
            };
            await Host.Operations.Bus.Publish(heartbeat);
            await Eventually.HoldsAsync(async () => await Host.Operations.ReadAsync<EndpointInstanceStore, EndpointInstanceRow?>(
                    (store, session, ct) => store.FindAsync(session, endpoint, "a", ct)) is { } row
                && row.LastHeartbeat == heartbeat.SentAt.ToUnixTimeMilliseconds(), TimeSpan.FromSeconds(10), $"heartbeat {n} is recorded");
        }

        await BeatAsync(0, CheckStatus.Pass);
        await BeatAsync(1, CheckStatus.Fail);
        await BeatAsync(2, CheckStatus.Fail);
        await BeatAsync(3, CheckStatus.Pass);

        JsonElement[] received = [];
        await Eventually.HoldsAsync(async () =>
        {
            received = [.. (await MonitoringFlow.JsonAsync(await receiver.GetAsync($"/_sim/alert-webhooks/{hook}"))).EnumerateArray()];
            return received.Length >= 2;
        }, TimeSpan.FromSeconds(15), "the check's failure and recovery are delivered");
        received.Select(r => r.GetProperty("body").GetProperty("kind").GetString()).ShouldBe(["check-failed", "check-passed"]);
        received.ShouldAllBe(r => r.GetProperty("verified").GetBoolean());
        received[0].GetProperty("body").GetProperty("subject").GetString().ShouldNotBeNull().ShouldContain("provider:payments");
    }
}
