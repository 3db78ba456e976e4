using MassTransit;
using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>Late-fee policies of a property and of a lease over the company's default (50.00 once after 5 grace days).</summary>
public sealed class When_a_late_fee_policy_is_set(BillingFixture fixture) : BillingTest(fixture)
{
    static readonly LateFeePolicy PropertyPolicy = new() { Basis = LateFeeBasis.PercentOfRent, Rate = 5m, GraceDays = 3, CapPerCharge = 80m };
    static readonly LateFeePolicy LeasePolicy = new() { Rate = 20m, Accrual = LateFeeAccrual.Daily, GraceDays = 10, MonthlyMaximum = 100m };

    async Task<Guid> ActivatedAsync(Guid propertyId)
    {
        var leaseId = NewId.NextGuid();
        (await Host.PublishAsync(new LeaseActivated
        {
            LeaseId = leaseId, PropertyId = propertyId, UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
            MonthlyRent = Money.Of(1000m, "USD"), SecurityDeposit = Money.Of(1000m, "USD"), LeaseStart = new DateOnly(2033, 1, 1),
            LeaseEnd = new DateOnly(2033, 12, 31), ActivatedAt = DateTimeOffset.UtcNow,
        }, BillingExtensions.LeasesQueue)).ShouldBeNull();
        return leaseId;
    }

    Task<Exception?> SetAsync(LateFeeScope scope, Guid scopeId, LateFeePolicy policy) => Host.SendAsync(new SetLateFeePolicy
    {
        SettingId = NewId.NextGuid(), Scope = scope, ScopeId = scopeId, Policy = policy, EffectiveFrom = DateTimeOffset.UtcNow.AddSeconds(-1),
    });

    async Task<RentChargePosted> RunAsync(string period, Guid leaseId)
    {
        (await Host.SendAsync(new StartRentRun { RentRunId = NewId.NextGuid(), Period = period, RequestedAt = DateTimeOffset.UtcNow })).ShouldBeNull();
        return (await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == leaseId && e.Period == period)).Single();
    }

    [Fact]
    public async Task Should_post_each_charge_under_the_lease_s_policy_else_the_property_s_else_the_company_s()
    {
        var property = NewId.NextGuid();
        var ownPolicy = await ActivatedAsync(property);
        var propertys = await ActivatedAsync(property);
        var companys = await ActivatedAsync(NewId.NextGuid());
        (await SetAsync(LateFeeScope.Property, property, PropertyPolicy)).ShouldBeNull();
        (await SetAsync(LateFeeScope.Lease, ownPolicy, LeasePolicy)).ShouldBeNull();

        (await RunAsync("2033-03", ownPolicy)).GraceDays.ShouldBe(10);
        (await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == propertys && e.Period == "2033-03")).Single().GraceDays.ShouldBe(3);
        (await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == companys && e.Period == "2033-03")).Single().GraceDays.ShouldBe(5);

        (await Host.ChargesAsync(ownPolicy)).Values.ShouldHaveSingleItem().Policy.ShouldBe(LeasePolicy);
        (await Host.ChargesAsync(propertys)).Values.ShouldHaveSingleItem().Policy.ShouldBe(PropertyPolicy);
        (await Host.ChargesAsync(companys)).Values.ShouldHaveSingleItem().Policy.ShouldBe(new RentOptions().LateFees);
    }

    [Fact]
    public async Task Should_keep_the_policy_a_charge_was_posted_under_when_the_policy_changes_later()
    {
        var property = NewId.NextGuid();
        var lease = await ActivatedAsync(property);
        (await SetAsync(LateFeeScope.Property, property, PropertyPolicy)).ShouldBeNull();
        var april = await RunAsync("2033-04", lease);

        (await SetAsync(LateFeeScope.Property, property, PropertyPolicy with { Rate = 9m, GraceDays = 1 })).ShouldBeNull();
        (await RunAsync("2033-05", lease)).GraceDays.ShouldBe(1);

        var charges = await Host.ChargesAsync(lease);
        charges[april.ChargeId].Policy.ShouldBe(PropertyPolicy);
        charges[RentIds.Charge(lease, "2033-05")].Policy.Rate.ShouldBe(9m);
    }

    [Fact]
    public async Task Should_refuse_a_policy_it_cannot_apply_without_keeping_it()
    {
        var property = NewId.NextGuid();
        var lease = await ActivatedAsync(property);

        (await SetAsync(LateFeeScope.Property, property, PropertyPolicy with { Rate = 150m })).ShouldBeOfType<InvalidLateFeePolicyException>();
        (await SetAsync(LateFeeScope.Company, property, PropertyPolicy)).ShouldBeOfType<InvalidLateFeePolicyException>();

        (await RunAsync("2033-06", lease)).GraceDays.ShouldBe(5);
    }
}
