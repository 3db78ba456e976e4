using Orchestration.Messages.Operations;

namespace Orchestration.IntegrationTests.SagaAudit;

/// <summary>
/// A message a saga gives up on reaches the error queue naming the saga instance it was applied to, so the failed-message
/// workbench links it to the instance's audit; a consumer's failed message names none.
/// </summary>
public sealed class When_a_saga_fails_on_a_message() : BusWorldTest("saga-fault-link", new Dictionary<string, string>
{
    ["Recoverability__ImmediateRetries"] = "0",
    ["Recoverability__DelayedRetries"] = " ",
})
{
    [Fact]
    public async Task Should_carry_the_saga_type_and_id_into_the_error_queue()
    {
        var probe = await World.StartProbeAsync();
        await World.SendAsync("probe-state", new ArmProbeTimeoutThenFail(probe, Seconds: 60));
        await World.SendAsync("always-fail", new AlwaysFail(NewId.NextGuid(), Unrecoverable: true));

        var failed = new List<(IDictionary<string, object?> Headers, string Body)>();
        var consumerFailed = new List<(IDictionary<string, object?> Headers, string Body)>();
        await Eventually.HoldsAsync(async () =>
        {
            failed.AddRange(await World.DrainAsync("probe-state_error"));
            consumerFailed.AddRange(await World.DrainAsync("always-fail_error"));
            return failed.Count > 0 && consumerFailed.Count > 0;
        }, TimeSpan.FromSeconds(20), "both failed messages reached their error queues");

        var headers = failed.ShouldHaveSingleItem().Headers;
        headers[SagaAuditHeaders.SagaType].ShouldBe(nameof(ProbeState));
        headers[SagaAuditHeaders.SagaId].ShouldBe(probe.ToString("D"));
        consumerFailed.ShouldHaveSingleItem().Headers.Keys.ShouldNotContain(SagaAuditHeaders.SagaType);
    }
}
