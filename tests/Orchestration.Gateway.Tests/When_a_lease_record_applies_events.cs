using Orchestration.Endpoints.Gateway.Properties;
using Orchestration.Endpoints.Gateway.ReadModels;
using Orchestration.Gateway.Tests.Infrastructure;
using Orchestration.Messages.Leasing;

namespace Orchestration.Gateway.Tests;

/// <summary>The projection's rules on their own: the same events in any order, any number of times, give the same lease.</summary>
public sealed class When_a_lease_record_applies_events
{
    static readonly Guid PropertyId = Guid.NewGuid();
    static readonly Guid UnitId = Guid.NewGuid();
    static readonly LeaseEvents Lease = new(Guid.NewGuid(), PropertyId, UnitId, Guid.NewGuid());

    static LeaseRecord Apply(IEnumerable<object> events) => events.Aggregate(
        LeaseRecord.FirstHeardOf(Lease.LeaseId, PropertyId, UnitId, LeaseEvents.Start),
        (lease, e) => e switch
        {
            LeaseSigningProgressed step => lease.With(step),
            LeaseApplicationSubmitted submitted => lease.With(submitted),
            LeaseActivated activated => lease.With(activated),
            LeaseOfferLapsed lapsed => lease.EndedAs(LeaseSigningStates.Lapsed, lapsed.LapsedAt),
            _ => throw new ArgumentException(e.GetType().Name),
        });

    static List<object> WayToActive() =>
        [Lease.Submitted(), .. Enumerable.Range(1, LeaseSteps.WayToActive.Length).Select(Lease.Step), Lease.Activated()];

    [Fact]
    public void Should_reach_the_same_lease_in_any_order_and_with_duplicates()
    {
        var inOrder = Apply(WayToActive());

        var random = new Random(20270110);
        for (var trial = 0; trial < 200; trial++)
        {
            var shuffled = WayToActive().Concat(WayToActive().Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            Apply(shuffled).ShouldBe(inOrder, $"order: {string.Join(", ", shuffled.Select(e => e is LeaseSigningProgressed p ? $"#{p.Sequence}" : e.GetType().Name))}");
        }

        inOrder.State.ShouldBe(LeaseSigningStates.Active);
        inOrder.LastSequence.ShouldBe(8);
        inOrder.TenantName.ShouldBe("Ada Lovelace");
        inOrder.SubmittedAt.ShouldBe(LeaseEvents.Start);
    }

    [Fact]
    public void Should_keep_the_first_final_state_announced()
    {
        var lapsedFirst = Apply([Lease.Lapsed(), Lease.Step(3), Lease.Step(9, "OfferLapsed", LeaseSigningStates.Lapsed)]);

        lapsedFirst.State.ShouldBe(LeaseSigningStates.Lapsed);
        lapsedFirst.LastSequence.ShouldBe(9);
        lapsedFirst.UpdatedAt.ShouldBe(LeaseEvents.Start.AddDays(7));
    }

    [Fact]
    public void Should_hold_a_vacant_unit_lease_it_when_active_and_free_it_when_the_lease_ends_without_starting()
    {
        var vacant = new UnitRecord(UnitId, PropertyId, "101", 1, 1m, 650, new Orchestration.Messages.Money(1850m, "USD"), UnitStatus.Vacant, null,
            LeaseEvents.Start);
        var applying = LeaseRecord.FirstHeardOf(Lease.LeaseId, PropertyId, UnitId, LeaseEvents.Start);

        var held = vacant.Following(applying);
        held.ShouldBe(vacant with { Status = UnitStatus.Held, LeaseId = Lease.LeaseId });
        held.Following(applying.With(Lease.Activated())).Status.ShouldBe(UnitStatus.Leased);
        held.Following(applying.EndedAs(LeaseSigningStates.Declined, LeaseEvents.Start)).ShouldBe(vacant);

        // Another lease's end, or another lease's application, leaves the unit to the lease that holds it.
        var other = LeaseRecord.FirstHeardOf(Guid.NewGuid(), PropertyId, UnitId, LeaseEvents.Start);
        held.Following(other).ShouldBe(held);
        held.Following(other.EndedAs(LeaseSigningStates.Cancelled, LeaseEvents.Start)).ShouldBe(held);
    }
}
