using MassTransit;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

/// <summary>The charges a lease carries every month besides the rent travel with it from the application to its activation.</summary>
public class When_an_application_carries_recurring_charges(When_an_application_carries_recurring_charges.Scenario scenario)
    : IClassFixture<When_an_application_carries_recurring_charges.Scenario>
{
    public static readonly IReadOnlyList<RecurringCharge> Lines =
    [
        new() { Kind = "parking", Description = "Bay 12", Amount = Money.Of(75m, "USD") },
        new() { Kind = "pet", Amount = Money.Of(30.50m, "USD") },
    ];

    public sealed class Scenario : LeaseScenario
    {
        protected override async Task Play(LeaseSigningHarness lease)
        {
            await lease.Harness.Bus.Send(new SubmitLeaseApplication
            {
                LeaseId = lease.LeaseId, PropertyId = lease.PropertyId, UnitId = lease.UnitId, ApplicantId = lease.ApplicantId,
                ApplicantName = LeaseSigningHarness.ApplicantName, ApplicantEmail = LeaseSigningHarness.ApplicantEmail,
                MonthlyRent = LeaseSigningHarness.MonthlyRent, SecurityDeposit = LeaseSigningHarness.SecurityDeposit,
                LeaseStart = LeaseSigningHarness.LeaseStart, LeaseEnd = LeaseSigningHarness.LeaseEnd, RecurringCharges = Lines,
            });
            await lease.ShouldBeIn(x => x.AwaitingScreening);
            await lease.PassScreening();
            await lease.PrepareDocument();
            await lease.ConfirmEnvelopeSent();
            await lease.TenantSigns();
            await lease.LandlordCountersigns();
            await lease.FundsArrive();
            await lease.AccessCodeIssued();
        }
    }

    [Fact]
    public void Should_announce_the_active_lease_with_its_recurring_charges()
    {
        var activated = scenario.Lease.Published<LeaseActivated>().ShouldHaveSingleItem();
        activated.RecurringCharges.ShouldNotBeNull().ShouldBe(Lines);
    }

    [Fact]
    public void Should_keep_the_recurring_charges_when_the_record_is_stored_as_json()
    {
        var record = scenario.Lease.Lease.ShouldNotBeNull();

        var stored = System.Text.Json.JsonSerializer.Deserialize<LeaseSigningState>(System.Text.Json.JsonSerializer.Serialize(record));

        stored.ShouldNotBeNull().RecurringCharges.ShouldNotBeNull().ShouldBe(Lines);
    }
}
