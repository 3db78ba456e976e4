namespace Orchestration.Leasing.Tests;

[Collection(LeasingCollection.Name)]
public sealed class When_lease_signatures_are_voided(LeasingFixture fixture)
{
    readonly LeasingHost _host = fixture.Host;

    [Fact]
    public async Task Should_void_the_stored_envelope_when_the_command_names_none()
    {
        var lease = new Leases();
        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        (await _host.SendAsync(lease.RequestTenantSignature(LeaseDocument.IdFor(lease.LeaseId)))).ShouldBeNull();
        var envelopeId = (await _host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId))[0].EnvelopeId;

        (await _host.SendAsync(lease.VoidLeaseSignatures())).ShouldBeNull();
        (await _host.SendAsync(lease.VoidLeaseSignatures(envelopeId))).ShouldBeNull();

        using var simulator = SimulatorApi.Client(_host.Simulators.ESignature!, LeasingHost.ESignatureKey);
        var envelope = await simulator.GetFromJsonAsync<JsonElement>($"v1/envelopes/{envelopeId}");
        envelope.GetProperty("status").GetString().ShouldBe("voided");
        envelope.GetProperty("voidReason").GetString().ShouldBe("Cancelled by staff");
    }

    [Fact]
    public async Task Should_do_nothing_without_an_envelope_and_keep_a_late_signature_request_from_creating_one()
    {
        var lease = new Leases();
        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();

        (await _host.SendAsync(lease.VoidLeaseSignatures())).ShouldBeNull();
        (await _host.SendAsync(lease.RequestTenantSignature(LeaseDocument.IdFor(lease.LeaseId)))).ShouldBeNull();

        var stored = (await _host.ReadAsync((store, session, ct) => store.FindEnvelopeAsync(session, lease.LeaseId, ct))).ShouldNotBeNull();
        stored.EnvelopeId.ShouldBeNull();
        stored.VoidedAt.ShouldNotBeNull();
        _host.Published.All<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }
}
