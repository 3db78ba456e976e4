
namespace Orchestration.Sagas.Tests.Leasing;

public class When_screening_is_declined(When_screening_is_declined.Scenario scenario) : IClassFixture<When_screening_is_declined.Scenario>
{
    public sealed class Scenario : LeaseScenario
    {
        protected override async Task Play(LeaseSigningHarness lease)
        {
            await lease.Submit();
            await lease.Harness.Bus.Publish(lease.Screening(approved: false));
            await lease.ShouldBeFinished();
        }
    }

    readonly LeaseSigningHarness _lease = scenario.Lease;

    [Fact]
    public void Should_release_the_unit_hold()
    {
        var release = _lease.Sent<ReleaseUnitHold>().ShouldHaveSingleItem();
        release.UnitId.ShouldBe(_lease.UnitId);
        release.PropertyId.ShouldBe(_lease.PropertyId);
    }

    [Fact]
    public void Should_announce_the_decline_with_the_screening_reason()
    {
        var declined = _lease.Published<LeaseApplicationDeclined>().ShouldHaveSingleItem();
        declined.ApplicantId.ShouldBe(_lease.ApplicantId);
        declined.ScreeningId.ShouldBe("scr_4821");
        declined.Reason.ShouldBe("Insufficient verifiable income");
        declined.DeclinedAt.ShouldBe(LeaseSigningHarness.Now);
    }

    [Fact]
    public void Should_announce_the_decline_as_the_last_step()
    {
        var progress = _lease.ShouldHaveProgressedThrough(("ApplicationSubmitted", "AwaitingScreening"), ("ScreeningDeclined", LeaseSigningStates.Declined));
        progress[^1].Detail.ShouldBe("Insufficient verifiable income");
    }

    [Fact]
    public void Should_not_prepare_a_lease_document()
    {
        _lease.Sent<PrepareLeaseDocument>().ShouldBeEmpty();
        _lease.NoMessageShouldHaveFaulted();
    }
}
