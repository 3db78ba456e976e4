namespace Orchestration.Simulators.Tests.Screening;

public sealed class When_the_decision_takes_time() : SimulatorsTest(o =>
{
    o.Screening.Enabled = true;
    o.Screening.DecisionDelay = Delay;
})
{
    static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    [Fact]
    public async Task Should_stay_pending_until_the_delay_has_passed()
    {
        var clock = Stopwatch.StartNew();
        using var response = await When_an_applicant_is_screened.Request(Harness.Screening, "ada@example.com");
        var id = (await response.JsonAsync()).Text("id");

        (await Harness.Screening.GetFromJsonAsync<JsonElement>($"/v1/screenings/{id}")).Text("status").ShouldBe("pending");
        await Harness.Receiver.WaitForAsync(1);

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(Delay - TimeSpan.FromMilliseconds(20));
        (await Harness.Screening.GetFromJsonAsync<JsonElement>($"/v1/screenings/{id}")).Text("status").ShouldBe("completed");
    }

    [Fact]
    public async Task Should_decide_at_once_when_a_test_forces_the_decision()
    {
        using var response = await When_an_applicant_is_screened.Request(Harness.Screening, "ada@example.com");
        var id = (await response.JsonAsync()).Text("id");

        using var forced = await Harness.Screening.PostAsync($"/_sim/screenings/{id}/decide?decision=declined&reason=incomplete_application", null);

        (await forced.JsonAsync()).Text("reason.code").ShouldBe("incomplete_application");
        var webhook = (await Harness.Receiver.WaitForAsync(1)).ShouldHaveSingleItem();
        webhook.Json.Text("screening.decision").ShouldBe("declined");
        await Task.Delay(Delay + TimeSpan.FromMilliseconds(100));
        Harness.Receiver.Received.Count.ShouldBe(1);
    }
}
