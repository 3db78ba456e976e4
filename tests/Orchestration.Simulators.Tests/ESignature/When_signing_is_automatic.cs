namespace Orchestration.Simulators.Tests.ESignature;

public sealed class When_signing_is_automatic() : SimulatorsTest(o =>
{
    o.ESignature.Enabled = true;
    o.ESignature.AutoSignAfter = TimeSpan.FromMilliseconds(100);
    o.ESignature.AutoCountersignAfter = TimeSpan.FromMilliseconds(100);
})
{
    [Fact]
    public async Task Should_sign_and_countersign_by_itself()
    {
        using var _ = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease());

        var completed = await Harness.Receiver.WaitForAsync(1, "envelope.completed");

        completed.ShouldHaveSingleItem().Json.Text("envelope.status").ShouldBe("completed");
        // Each event is delivered on its own, as the real service's are, so they may arrive in any order.
        var all = await Harness.Receiver.WaitForAsync(3);
        all.Select(w => w.Type).ShouldBe(["envelope.sent", "envelope.signed", "envelope.completed"], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_decline_by_itself_for_a_signer_whose_address_says_decline()
    {
        using var _ = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease("tenant.decline@example.com"));

        var declined = await Harness.Receiver.WaitForAsync(1, "envelope.declined");

        declined.ShouldHaveSingleItem().Json.Text("envelope.declineReason").ShouldNotBeNullOrEmpty();
    }
}
