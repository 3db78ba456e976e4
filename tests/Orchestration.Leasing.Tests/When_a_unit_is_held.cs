using Orchestration.Endpoints.Leasing.UnitHolds;

namespace Orchestration.Leasing.Tests;

public sealed class When_a_unit_is_held(LeasingFixture fixture) : LeasingTest(fixture)
{
    Task<Guid?> HolderAsync(Guid unitId) => Host.ReadAsync((store, session, ct) => store.FindUnitHolderAsync(session, unitId, ct));

    /// <summary>Two leases, the first holding its unit.</summary>
    async Task<(Leases First, Leases Second)> FirstHoldsTheUnitAsync()
    {
        var first = new Leases();
        (await Host.SendAsync(first.HoldUnit(first.UnitId))).ShouldBeNull();
        return (first, new Leases());
    }

    [Fact]
    public async Task Should_hold_it_once_for_the_same_lease()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.HoldUnit(lease.UnitId))).ShouldBeNull();
        (await Host.SendAsync(lease.HoldUnit(lease.UnitId))).ShouldBeNull();

        (await HolderAsync(lease.UnitId)).ShouldBe(lease.LeaseId);
    }

    [Fact]
    public async Task Should_refuse_another_lease_without_retry_and_keep_the_first_hold()
    {
        var (first, second) = await FirstHoldsTheUnitAsync();

        var refused = (await Host.SendAsync(second.HoldUnit(first.UnitId))).ShouldBeOfType<UnitAlreadyHeldException>();

        refused.HeldBy.ShouldBe(first.LeaseId);
        (await HolderAsync(first.UnitId)).ShouldBe(first.LeaseId);
    }

    [Fact]
    public async Task Should_release_only_the_holding_lease_and_then_let_another_hold_it()
    {
        var (first, second) = await FirstHoldsTheUnitAsync();

        (await Host.SendAsync(second.ReleaseUnitHold(first.UnitId))).ShouldBeNull();
        (await HolderAsync(first.UnitId)).ShouldBe(first.LeaseId);

        (await Host.SendAsync(first.ReleaseUnitHold(first.UnitId))).ShouldBeNull();
        (await Host.SendAsync(first.ReleaseUnitHold(first.UnitId))).ShouldBeNull();
        (await HolderAsync(first.UnitId)).ShouldBeNull();

        (await Host.SendAsync(second.HoldUnit(first.UnitId))).ShouldBeNull();
        (await HolderAsync(first.UnitId)).ShouldBe(second.LeaseId);
    }
}
