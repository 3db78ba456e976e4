namespace Orchestration.Maintenance.Tests;

public abstract class When_a_vendor_is_chosen(MaintenanceFixture fixture) : MaintenanceTest(fixture)
{
    sealed record Registry(string Area, Guid First, Guid Second, Guid Expired, Guid Electrician);

    async Task<Registry> RegisterAsync()
    {
        var area = RegistryAccess.NewArea();
        var second = await Host.RegisterAsync(area, "Bramble Plumbing", preference: 2);
        var first = await Host.RegisterAsync(area, "Aster Plumbing", preference: 1);
        var expired = await Host.RegisterAsync(area, "Cedar Plumbing", preference: 0, insuredUntil: RegistryAccess.Today.AddDays(-1));
        var electrician = await Host.RegisterAsync(area, "Dune Electric", preference: 0, trades: "electrical hvac");
        await Host.RegisterAsync(RegistryAccess.NewArea(), "Elsewhere Plumbing", preference: 0);
        return new Registry(area, first, second, expired, electrician);
    }

    static ChooseVendor Choose(string area, string trade = "plumbing", Guid[]? excluding = null, Guid? preferred = null) => new()
    {
        WorkOrderId = Guid.NewGuid(), Attempt = 1, Trade = trade, ServiceArea = area, Excluding = excluding ?? [], PreferredVendorId = preferred,
    };

    async Task<VendorChosen> ChosenFor(ChooseVendor request)
    {
        (await Host.SendAsync(request)).ShouldBeNull();
        return (await Host.Published.WaitForAsync<VendorChosen>(e => e.WorkOrderId == request.WorkOrderId)).Single();
    }

    [Fact]
    public async Task Should_choose_the_most_preferred_insured_vendor_of_the_trade_in_the_area()
    {
        var registry = await RegisterAsync();

        var chosen = await ChosenFor(Choose(registry.Area));

        chosen.VendorId.ShouldBe(registry.First);
        chosen.VendorName.ShouldBe("Aster Plumbing");
        chosen.Attempt.ShouldBe(1);
    }

    [Fact]
    public async Task Should_skip_the_vendors_already_tried()
    {
        var registry = await RegisterAsync();

        (await ChosenFor(Choose(registry.Area, excluding: [registry.First]))).VendorId.ShouldBe(registry.Second);
    }

    [Fact]
    public async Task Should_choose_the_vendor_staff_named_only_while_it_is_eligible()
    {
        var registry = await RegisterAsync();

        (await ChosenFor(Choose(registry.Area, preferred: registry.Second))).VendorId.ShouldBe(registry.Second);
        (await ChosenFor(Choose(registry.Area, preferred: registry.Expired))).VendorId.ShouldBe(registry.First);
        (await ChosenFor(Choose(registry.Area, trade: "hvac"))).VendorId.ShouldBe(registry.Electrician);
    }

    [Fact]
    public async Task Should_say_no_vendor_is_available_when_every_eligible_one_was_tried()
    {
        var registry = await RegisterAsync();
        var request = Choose(registry.Area, excluding: [registry.First, registry.Second]);

        (await Host.SendAsync(request)).ShouldBeNull();

        var none = (await Host.Published.WaitForAsync<NoVendorAvailable>(e => e.WorkOrderId == request.WorkOrderId)).Single();
        none.Reason.ShouldContain("2 already tried");
        Host.Published.All<VendorChosen>(e => e.WorkOrderId == request.WorkOrderId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_find_nobody_for_a_trade_that_could_be_a_wildcard()
    {
        var registry = await RegisterAsync();
        var request = Choose(registry.Area, trade: "%");

        (await Host.SendAsync(request)).ShouldBeNull();

        (await Host.Published.WaitForAsync<NoVendorAvailable>(e => e.WorkOrderId == request.WorkOrderId)).ShouldHaveSingleItem();
    }
}

public sealed class When_a_vendor_is_chosen_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_a_vendor_is_chosen(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_a_vendor_is_chosen_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_a_vendor_is_chosen(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
