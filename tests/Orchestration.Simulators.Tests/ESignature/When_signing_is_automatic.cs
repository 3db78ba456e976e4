using Orchestration.Simulators.Tests.Infrastructure;

namespace Orchestration.Simulators.Tests.ESignature;

public sealed class When_signing_is_automatic : IAsyncLifetime
{
    Harness harness = null!;

    public async Task InitializeAsync() => harness = await Harness.StartAsync(o =>
    {
        o.ESignature.Enabled = true;
        o.ESignature.AutoSignAfter = TimeSpan.FromMilliseconds(100);
        o.ESignature.AutoCountersignAfter = TimeSpan.FromMilliseconds(100);
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Should_sign_and_countersign_by_itself()
    {
        using var _ = await Envelopes.CreateAsync(harness.ESignature, Envelopes.Lease());

        var completed = await harness.Receiver.WaitForAsync(1, "envelope.completed");

        completed.ShouldHaveSingleItem().Json.Text("envelope.status").ShouldBe("completed");
        harness.Receiver.Received.Select(w => w.Type).ShouldBe(["envelope.sent", "envelope.signed", "envelope.completed"]);
    }

    [Fact]
    public async Task Should_decline_by_itself_for_a_signer_whose_address_says_decline()
    {
        using var _ = await Envelopes.CreateAsync(harness.ESignature, Envelopes.Lease("tenant.decline@example.com"));

        var declined = await harness.Receiver.WaitForAsync(1, "envelope.declined");

        declined.ShouldHaveSingleItem().Json.Text("envelope.declineReason").ShouldNotBeNullOrEmpty();
    }
}
