namespace Orchestration.Leasing.Tests;

[Collection(LeasingCollection.Name)]
public sealed class When_the_tenant_is_asked_to_sign(LeasingFixture fixture)
{
    readonly LeasingHost _host = fixture.Host;

    [Fact]
    public async Task Should_prepare_the_same_document_for_the_same_lease()
    {
        var lease = new Leases();

        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();

        var prepared = await _host.Published.WaitForAsync<LeaseDocumentPrepared>(e => e.LeaseId == lease.LeaseId, count: 2);
        prepared.Select(e => e.DocumentId).Distinct().ShouldHaveSingleItem().ShouldBe(LeaseDocument.IdFor(lease.LeaseId));
        var document = await _host.ReadAsync((store, session, ct) => store.FindDocumentAsync(session, LeaseDocument.IdFor(lease.LeaseId), ct));
        document.ShouldNotBeNull().Content.ShouldContain("1850.00 USD");
    }

    [Fact]
    public async Task Should_create_an_envelope_with_a_signing_url_and_announce_it()
    {
        var lease = new Leases();
        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        var documentId = LeaseDocument.IdFor(lease.LeaseId);

        (await _host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();

        var requested = (await _host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        var stored = (await _host.ReadAsync((store, session, ct) => store.FindEnvelopeAsync(session, lease.LeaseId, ct))).ShouldNotBeNull();
        stored.EnvelopeId.ShouldBe(requested.EnvelopeId);
        stored.SigningUrl.ShouldNotBeNull().ShouldStartWith(_host.Simulators.ESignature!.ToString().TrimEnd('/'));
        requested.SigningUrl.ShouldBe(stored.SigningUrl);

        using var simulator = SimulatorApi.Client(_host.Simulators.ESignature!, LeasingHost.ESignatureKey);
        var envelope = await simulator.GetFromJsonAsync<JsonElement>($"v1/envelopes/{requested.EnvelopeId}");
        envelope.GetProperty("status").GetString().ShouldBe("sent");
        envelope.GetProperty("signer").GetProperty("email").GetString().ShouldBe("ada@example.com");
    }

    [Fact]
    public async Task Should_announce_the_same_envelope_when_the_request_is_repeated()
    {
        var lease = new Leases();
        (await _host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        var documentId = LeaseDocument.IdFor(lease.LeaseId);

        (await _host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();
        (await _host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();

        var requested = await _host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId, count: 2);
        requested.Select(e => e.EnvelopeId).Distinct().ShouldHaveSingleItem();
        requested.Select(e => e.SigningUrl).Distinct().ShouldHaveSingleItem().ShouldNotBeNullOrWhiteSpace();
    }
}
