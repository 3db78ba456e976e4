namespace Orchestration.Leasing.Tests;

public sealed class When_the_tenant_is_asked_to_sign(LeasingFixture fixture) : LeasingTest(fixture)
{
    [Fact]
    public async Task Should_prepare_the_same_document_for_the_same_lease()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        (await Host.SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();

        var prepared = await Host.Published.WaitForAsync<LeaseDocumentPrepared>(e => e.LeaseId == lease.LeaseId, count: 2);
        prepared.Select(e => e.DocumentId).Distinct().ShouldHaveSingleItem().ShouldBe(LeaseDocument.IdFor(lease.LeaseId));
        var document = await Host.ReadAsync((store, session, ct) => store.FindDocumentAsync(session, LeaseDocument.IdFor(lease.LeaseId), ct));
        document.ShouldNotBeNull().Content.ShouldContain("1850.00 USD");
    }

    [Fact]
    public async Task Should_create_an_envelope_with_a_signing_url_and_announce_it()
    {
        var lease = new Leases();
        var documentId = await Host.DocumentPreparedAsync(lease);

        (await Host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();

        var requested = (await Host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        var stored = (await Host.ReadAsync((store, session, ct) => store.FindEnvelopeAsync(session, lease.LeaseId, ct))).ShouldNotBeNull();
        stored.EnvelopeId.ShouldBe(requested.EnvelopeId);
        stored.SigningUrl.ShouldNotBeNull().ShouldStartWith(Host.Simulators.ESignature!.ToString().TrimEnd('/'));
        requested.SigningUrl.ShouldBe(stored.SigningUrl);

        using var simulator = SimulatorApi.Client(Host.Simulators.ESignature!, LeasingHost.ESignatureKey);
        var envelope = await simulator.GetFromJsonAsync<JsonElement>($"v1/envelopes/{requested.EnvelopeId}");
        envelope.GetProperty("status").GetString().ShouldBe("sent");
        envelope.GetProperty("signer").GetProperty("email").GetString().ShouldBe("ada@example.com");
    }

    [Fact]
    public async Task Should_announce_the_same_envelope_when_the_request_is_repeated()
    {
        var lease = new Leases();
        var documentId = await Host.DocumentPreparedAsync(lease);

        (await Host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();
        (await Host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();

        var requested = await Host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId, count: 2);
        requested.Select(e => e.EnvelopeId).Distinct().ShouldHaveSingleItem();
        requested.Select(e => e.SigningUrl).Distinct().ShouldHaveSingleItem().ShouldNotBeNullOrWhiteSpace();
    }
}
