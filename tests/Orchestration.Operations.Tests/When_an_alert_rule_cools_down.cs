using Orchestration.Endpoints.Operations.Alerts;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Storage;

namespace Orchestration.Operations.Tests;

/// <summary>How a rule turns an incident's alerts into messages, on the standalone mode's SQLite: one incident, one alert.</summary>
[Collection(StandaloneMonitoringCollection.Name)]
public sealed class When_an_alert_rule_cools_down(StandaloneMonitoring fixture)
{
    async Task<int> RaiseAsync(Alert alert)
    {
        await using var scope = fixture.Host.Operations.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<BusOutbox>();
        await session.BeginAsync(CancellationToken.None);
        var raised = await scope.ServiceProvider.GetRequiredService<OperatorAlerts>().RaiseAsync(session, outbox.SendEndpointProvider, alert,
            CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
        return raised;
    }

    async Task SaveAsync(SaveAlertRule rule)
    {
        await using var scope = fixture.Host.Operations.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<AlertRuleStore>().SaveRuleAsync(session, rule, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
    }

    static Alert Lost(string endpoint) => new("heartbeat-lost", $"heartbeat/{endpoint}/a", Opens: true, "lost", "lost", endpoint);

    static Alert Restored(string endpoint) => new("heartbeat-restored", $"heartbeat/{endpoint}/a", Opens: false, "restored", "restored", endpoint);

    [Fact]
    public async Task Should_alert_an_incident_once_until_it_closes_and_stay_silent_when_it_reopens_within_the_cool_down()
    {
        var endpoint = $"cool-{Guid.NewGuid():N}";
        await SaveAsync(new SaveAlertRule
        {
            RuleId = Guid.NewGuid(), Name = "heartbeats of " + endpoint, Kind = "heartbeat", Endpoint = endpoint, CoolDown = TimeSpan.FromHours(1),
            ChannelIds = [], Enabled = true, RequestedBy = "test",
        });

        (await RaiseAsync(Lost(endpoint))).ShouldBe(1, "the first loss alerts");
        (await RaiseAsync(Lost(endpoint))).ShouldBe(0, "the same incident again is silent");
        (await RaiseAsync(Restored(endpoint))).ShouldBe(1, "the restore closes the incident with one alert");
        (await RaiseAsync(Restored(endpoint))).ShouldBe(0, "a closed incident does not close again");
        (await RaiseAsync(Lost(endpoint))).ShouldBe(0, "a loss within the cool-down of the last alert is silent");
        (await RaiseAsync(Lost($"other-{Guid.NewGuid():N}"))).ShouldBe(0, "the rule watches its own endpoint only");
    }

    [Fact]
    public async Task Should_raise_an_incident_by_every_enabled_rule_watching_it_each_with_its_own_cool_down()
    {
        var endpoint = $"two-{Guid.NewGuid():N}";
        SaveAlertRule Rule(bool enabled, TimeSpan coolDown) => new()
        {
            RuleId = Guid.NewGuid(), Name = "heartbeats", Kind = "heartbeat", Endpoint = endpoint, CoolDown = coolDown, ChannelIds = [], Enabled = enabled,
            RequestedBy = "test",
        };
        await SaveAsync(Rule(enabled: true, TimeSpan.Zero));
        await SaveAsync(Rule(enabled: true, TimeSpan.FromHours(1)));
        await SaveAsync(Rule(enabled: false, TimeSpan.Zero));

        (await RaiseAsync(Lost(endpoint))).ShouldBe(2, "both enabled rules alert; the disabled one does not");
        (await RaiseAsync(Restored(endpoint))).ShouldBe(2);
        (await RaiseAsync(Lost(endpoint))).ShouldBe(1, "only the rule without a cool-down alerts the incident reopening at once");
    }
}
