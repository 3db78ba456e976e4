using Orchestration.Messages.Reconciliation;

namespace Orchestration.Leasing.Tests;

/// <summary>
/// A signed <c>screening.completed</c> decides the application only when it is the screening Leasing requested for the
/// lease; anything else is recorded as a discrepancy for staff and decides nothing.
/// </summary>
public sealed class When_a_provider_reports_a_screening_result(LeasingFixture fixture) : LeasingTest(fixture)
{
    [Fact]
    public async Task Should_pass_on_the_result_of_the_screening_requested_for_the_lease()
    {
        var (lease, screeningId) = await ScreeningRequestedAsync();

        await Host.PublishAsync(Result(lease, screeningId, "evt_screened_ours"));

        var completed = (await Host.Published.WaitForAsync<ScreeningCompleted>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        completed.ScreeningId.ShouldBe(screeningId);
        completed.Approved.ShouldBeTrue();
    }

    [Fact]
    public async Task Should_record_another_screenings_result_as_a_mismatch_and_pass_nothing_on()
    {
        var (lease, _) = await ScreeningRequestedAsync();

        await Host.PublishAsync(Result(lease, "scr_other", "evt_screened_other"));

        var discrepancy = (await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Mismatch);
        discrepancy.Provider.ShouldBe("screening");
        discrepancy.EventType.ShouldBe("screening.completed");
        discrepancy.ProviderReference.ShouldBe("scr_other");
        await Task.Delay(300);
        Host.Published.All<ScreeningCompleted>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_a_result_for_a_lease_never_screened_as_unmatched_once_it_cannot_be_in_flight()
    {
        var lease = new Leases();

        await Host.PublishAsync(Result(lease, "scr_unknown", "evt_screened_unknown") with { ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5) });

        var discrepancy = (await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        Host.Published.All<ScreeningCompleted>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    async Task<(Leases Lease, string ScreeningId)> ScreeningRequestedAsync()
    {
        var lease = new Leases();
        (await Host.SendAsync(lease.RequestScreening())).ShouldBeNull();
        var screeningId = await Host.ReadAsync((store, session, ct) => store.FindScreeningAsync(session, lease.LeaseId, ct));
        return (lease, screeningId.ShouldNotBeNull());
    }

    static ScreeningResultReported Result(Leases lease, string screeningId, string eventId) => new()
    {
        EventId = eventId, LeaseId = lease.LeaseId, ScreeningId = screeningId, Approved = true,
        OccurredAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
    };
}
