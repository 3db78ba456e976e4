using Orchestration.Messages.Operations;

namespace Orchestration.IntegrationTests.SagaAudit;

/// <summary>
/// Every step of a saga is recorded by the platform in the step's own transaction and shipped after the commit: the
/// message, the state before and after, the properties it changed, the timeouts it requested, cancelled or saw fire,
/// and the messages it sent, in order, on both databases.
/// </summary>
public sealed class When_a_saga_is_audited
{
    static Task<InProcessEndpoint> StartAsync(string provider, bool audited = true) => InProcessEndpoint.StartAsync(new EndpointSetup
    {
        Name = "audit",
        Database = TestDatabase.Create(provider, "saga_audit"),
        Settings = new Dictionary<string, string?>
        {
            ["Scheduler:Host"] = "true",
            ["SagaAudit:Enabled"] = audited ? "true" : "false",
            ["SagaAudit:ShipInterval"] = "00:00:00.100",
        },
        Consumers = x => x.AddSagaStateMachine<ProbeStateMachine, ProbeState>().SqlRepository(),
        Records = [typeof(SagaStepsRecorded)],
    });

    static async Task SendAsync<T>(InProcessEndpoint endpoint, T message)
        where T : class =>
        await (await endpoint.Bus.GetSendEndpoint(new Uri("queue:probe-state"))).Send(message);

    static List<SagaStep> Steps(InProcessEndpoint endpoint, Guid probe) =>
        [.. endpoint.Published.All<SagaStepsRecorded>(_ => true).SelectMany(b => b.Steps).Where(s => s.CorrelationId == probe).OrderBy(s => s.Version)];

    static async Task<List<SagaStep>> StepsAsync(InProcessEndpoint endpoint, Guid probe, int count, string description)
    {
        await Eventually.HoldsAsync(() => Task.FromResult(Steps(endpoint, probe).Count >= count), TimeSpan.FromSeconds(20), description);
        return Steps(endpoint, probe);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_record_each_step_in_order_with_its_changes_timeouts_and_sent_messages(string provider)
    {
        await using var endpoint = await StartAsync(provider);
        var probe = NewId.NextGuid();

        await SendAsync(endpoint, new StartProbe(probe));
        await StepsAsync(endpoint, probe, 1, "the start is recorded");
        await SendAsync(endpoint, new IncrementProbe(probe, 3));
        await StepsAsync(endpoint, probe, 2, "the increment is recorded");
        await SendAsync(endpoint, new ArmProbeTimeout(probe, 600));
        await StepsAsync(endpoint, probe, 3, "the far timeout is recorded");
        await SendAsync(endpoint, new DisarmProbeTimeout(probe));
        await StepsAsync(endpoint, probe, 4, "the cancellation is recorded");
        await SendAsync(endpoint, new ArmProbeTimeout(probe, 1));
        var steps = await StepsAsync(endpoint, probe, 6, "the near timeout is requested, fires and is recorded");

        steps.Select(s => s.Version).ShouldBe([1, 2, 3, 4, 5, 6], "each step once, in order");
        steps.ShouldAllBe(s => s.Endpoint == "audit" && s.SagaType == nameof(ProbeState) && s.MessageId != null && s.ConversationId != null);

        var (start, increment, arm, disarm, rearm, fired) = (steps[0], steps[1], steps[2], steps[3], steps[4], steps[5]);
        start.Outcome.ShouldBe(SagaStepOutcome.Created);
        start.MessageType.ShouldBe(typeof(StartProbe).FullName);
        (start.StateBefore, start.StateAfter).ShouldBe((null, "Running"));

        increment.Outcome.ShouldBe(SagaStepOutcome.Updated);
        (increment.StateBefore, increment.StateAfter).ShouldBe(("Running", "Running"));
        increment.Changes.ShouldHaveSingleItem().ShouldBe(new SagaPropertyChange { Name = "Count", Before = "0", After = "3" });
        increment.Sent.ShouldHaveSingleItem().MessageType.ShouldBe(typeof(ProbeIncremented).FullName);
        increment.Timeouts.ShouldBeEmpty();

        var requested = arm.Timeouts.ShouldHaveSingleItem();
        requested.Action.ShouldBe(SagaTimeoutAction.Requested);
        requested.MessageType.ShouldBe(typeof(ProbeTimeoutExpired).FullName);
        requested.DueAt!.Value.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(9));
        arm.Changes.ShouldContain(c => c.Name == "TimeoutTokenId" && c.Before == "null" && c.After == $"\"{requested.TokenId}\"");
        arm.Sent.ShouldBeEmpty("a schedule request is a timeout, not a sent message");

        var cancelled = disarm.Timeouts.ShouldHaveSingleItem();
        (cancelled.Action, cancelled.TokenId).ShouldBe((SagaTimeoutAction.Cancelled, requested.TokenId));

        var second = rearm.Timeouts.ShouldHaveSingleItem();
        second.Action.ShouldBe(SagaTimeoutAction.Requested);
        var fire = fired.Timeouts.ShouldHaveSingleItem();
        (fire.Action, fire.TokenId, fire.MessageType).ShouldBe((SagaTimeoutAction.Fired, second.TokenId, typeof(ProbeTimeoutExpired).FullName));
        (fired.StateBefore, fired.StateAfter).ShouldBe(("Running", "TimedOut"));
        fired.Sent.ShouldHaveSingleItem().MessageType.ShouldBe(typeof(ProbeTimedOut).FullName);

        (await endpoint.Database.RowsAsync("saga_audit")).ShouldBeEmpty("every shipped step left the endpoint's table");
    }

    [Fact]
    public void Should_keep_a_growing_list_short_and_name_only_what_changed()
    {
        var before = JsonSerializer.Serialize(new { Version = 4, CurrentState = "Running", Steps = 3, Latencies = Enumerable.Range(0, 200).ToList() });
        var after = JsonSerializer.Serialize(new { Version = 5, CurrentState = "Done", Steps = 3, Latencies = Enumerable.Range(0, 201).ToList() });

        var change = Orchestration.Platform.SagaAudit.SagaAuditRecorder.Changes(before, after).ShouldHaveSingleItem();
        change.Name.ShouldBe("Latencies");
        change.Before!.Length.ShouldBe(Orchestration.Platform.SagaAudit.SagaAuditRecorder.MaxValueLength + 1);
        change.After!.ShouldEndWith("…");
    }

    [Fact]
    public async Task Should_record_nothing_where_the_audit_is_turned_off()
    {
        await using var endpoint = await StartAsync(TestDatabase.Sqlite, audited: false);
        var probe = NewId.NextGuid();

        await SendAsync(endpoint, new StartProbe(probe));
        await Eventually.HoldsAsync(async () => (await endpoint.Database.RowsAsync("saga_probe")).Count == 1, TimeSpan.FromSeconds(20), "the probe started");
        await SendAsync(endpoint, new IncrementProbe(probe, 1));
        await Eventually.HoldsAsync(async () => (await endpoint.Database.RowsAsync("saga_probe")).Any(r => Convert.ToInt32(r["version"]) == 2),
            TimeSpan.FromSeconds(20), "both messages are handled");

        (await endpoint.Database.RowsAsync("saga_audit")).ShouldBeEmpty();
        endpoint.Published.All<SagaStepsRecorded>(_ => true).ShouldBeEmpty();
    }
}
