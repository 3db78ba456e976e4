using Orchestration.Messages.Reconciliation;

namespace Orchestration.Leasing.Tests;

/// <summary>
/// A signed <c>envelope.signed</c> or <c>envelope.completed</c> moves the lease only when it is about the envelope
/// Leasing created for that lease; anything else is recorded as a discrepancy for staff and moves nothing.
/// </summary>
public sealed class When_a_provider_reports_a_signature(LeasingFixture fixture) : LeasingTest(fixture)
{
    [Fact]
    public async Task Should_pass_on_the_signature_and_countersignature_of_the_leases_envelope()
    {
        var (lease, envelopeId) = await SentForSignatureAsync();

        await Host.PublishAsync(Signed(lease, envelopeId, "evt_signed_ours"));
        await Host.PublishAsync(Countersigned(lease, envelopeId, "evt_completed_ours"));

        (await Host.Published.WaitForAsync<TenantSigned>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem().EnvelopeId.ShouldBe(envelopeId);
        (await Host.Published.WaitForAsync<LandlordCountersigned>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem()
            .CountersignedBy.ShouldBe("landlord@example.com");
        Host.Published.All<ProviderEventDiscrepancyRecorded>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_another_envelopes_signature_as_a_mismatch_and_pass_nothing_on()
    {
        var (lease, _) = await SentForSignatureAsync();

        await Host.PublishAsync(Signed(lease, "env_other", "evt_signed_other"));
        await Host.PublishAsync(Countersigned(lease, "env_other", "evt_completed_other"));

        var discrepancies = await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(e => e.LeaseId == lease.LeaseId, count: 2);
        discrepancies.ShouldAllBe(d => d.Kind == DiscrepancyKinds.Mismatch && d.Provider == "esign" && d.ProviderReference == "env_other");
        discrepancies.Select(d => d.EventType).ShouldBe(["envelope.signed", "envelope.completed"], ignoreOrder: true);
        discrepancies.Select(d => d.EventId).ShouldBe(["evt_signed_other", "evt_completed_other"], ignoreOrder: true);
        await Task.Delay(300);
        Host.Published.All<TenantSigned>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
        Host.Published.All<LandlordCountersigned>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_a_signature_for_a_lease_with_no_envelope_as_unmatched_once_it_cannot_be_in_flight()
    {
        var lease = new Leases();

        await Host.PublishAsync(Signed(lease, "env_unknown", "evt_signed_unknown") with { ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5) });

        var discrepancy = (await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.EventId.ShouldBe("evt_signed_unknown");
        Host.Published.All<TenantSigned>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    async Task<(Leases Lease, string EnvelopeId)> SentForSignatureAsync()
    {
        var lease = new Leases();
        var documentId = await Host.DocumentPreparedAsync(lease);
        (await Host.SendAsync(lease.RequestTenantSignature(documentId))).ShouldBeNull();
        var requested = (await Host.Published.WaitForAsync<TenantSignatureRequested>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        return (lease, requested.EnvelopeId);
    }

    static TenantSignatureReported Signed(Leases lease, string envelopeId, string eventId) => new()
    {
        EventId = eventId, LeaseId = lease.LeaseId, EnvelopeId = envelopeId, SignedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
    };

    static CountersignatureReported Countersigned(Leases lease, string envelopeId, string eventId) => new()
    {
        EventId = eventId, LeaseId = lease.LeaseId, EnvelopeId = envelopeId, CountersignedBy = "landlord@example.com",
        CountersignedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
    };
}
