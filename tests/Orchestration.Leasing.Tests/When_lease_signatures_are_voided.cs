namespace Orchestration.Leasing.Tests;

public sealed class When_lease_signatures_are_voided(LeasingFixture fixture) : LeasingTest(fixture)
{
    [Fact]
    public async Task Should_void_the_stored_envelope_when_the_command_names_none()
    {
        var lease = new Leases();
        (await Host.SendAsync(lease.RequestTenantSignature(await Host.DocumentPreparedAsync(lease)))).ShouldBeNull();
        var envelopeId = (await Host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId))[0].EnvelopeId;

        (await Host.SendAsync(lease.VoidLeaseSignatures())).ShouldBeNull();
        (await Host.SendAsync(lease.VoidLeaseSignatures(envelopeId))).ShouldBeNull();

        using var simulator = SimulatorApi.Client(Host.Simulators.ESignature!, LeasingHost.ESignatureKey);
        var envelope = await simulator.GetFromJsonAsync<JsonElement>($"v1/envelopes/{envelopeId}");
        envelope.GetProperty("status").GetString().ShouldBe("voided");
        envelope.GetProperty("voidReason").GetString().ShouldBe("Cancelled by staff");
    }

    [Fact]
    public async Task Should_do_nothing_without_an_envelope_and_keep_a_late_signature_request_from_creating_one()
    {
        var lease = new Leases();
        var documentId = await Host.DocumentPreparedAsync(lease);

        (await Host.SendAsync(lease.VoidLeaseSignatures())).ShouldBeNull();
        (await Host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();

        var stored = (await Host.ReadAsync((store, session, ct) => store.FindEnvelopeAsync(session, lease.LeaseId, ct))).ShouldNotBeNull();
        stored.EnvelopeId.ShouldBeNull();
        stored.VoidedAt.ShouldNotBeNull();
        Host.Published.All<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }
}
