using Orchestration.Messages.Maintenance;

namespace Orchestration.Gateway.Tests;

public sealed class When_staff_list_work_orders(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static WorkOrderOpened Opened(Guid propertyId, WorkOrderSource source, WorkOrderPriority priority, DateTimeOffset openedAt) => new()
    {
        WorkOrderId = Guid.NewGuid(), PropertyId = propertyId, UnitId = Guid.NewGuid(), Source = source, Category = "plumbing", Priority = priority,
        OpenedAt = openedAt,
    };

    [Fact]
    public async Task Should_list_every_work_order_with_its_stage_filtered_and_sorted_on_the_server()
    {
        var propertyId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var routine = Opened(propertyId, WorkOrderSource.Tenant, WorkOrderPriority.Routine, now.AddMinutes(-1));
        var leak = Opened(propertyId, WorkOrderSource.DeviceAlarm, WorkOrderPriority.Emergency, now.AddMinutes(-2));
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        // The leak's first step overtakes its opening, as it may between two consumers.
        var step = Guid.NewGuid();
        await Gateway.PublishAsync(new WorkOrderProgressed
        {
            WorkOrderId = leak.WorkOrderId, PropertyId = propertyId, UnitId = leak.UnitId, Sequence = 1, Step = "Requested", State = "ChoosingVendor",
            OccurredAt = now,
        }, step);
        await Gateway.ConsumedAsync(step, "the leak's first step");
        await Gateway.PublishAsync(routine);
        await Gateway.PublishAsync(leak);

        await Eventually.HoldsAsync(async () =>
            (await coordinator.GetJsonAsync($"/api/work-orders?propertyId={propertyId}")).GetProperty("total").GetInt64() == 2,
            TimeSpan.FromSeconds(20), "both work orders listed");
        var newestFirst = await coordinator.GetJsonAsync($"/api/work-orders?propertyId={propertyId}");
        newestFirst.GetProperty("items").EnumerateArray().Select(x => x.GetProperty("workOrderId").GetGuid()).ShouldBe([routine.WorkOrderId, leak.WorkOrderId]);
        var byPriority = (await coordinator.GetJsonAsync($"/api/work-orders?propertyId={propertyId}&sort=priority")).GetProperty("items")
            .EnumerateArray().ToList();
        byPriority.Select(x => x.GetProperty("priority").GetString()).ShouldBe(["Emergency", "Routine"]);
        byPriority[0].GetProperty("state").GetString().ShouldBe("ChoosingVendor");
        byPriority[0].GetProperty("requestedBy").GetString().ShouldBe("DeviceAlarm");
        var emergencies = await coordinator.GetJsonAsync($"/api/work-orders?propertyId={propertyId}&priority=Emergency&state=ChoosingVendor");
        emergencies.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("workOrderId").GetGuid().ShouldBe(leak.WorkOrderId);
        var page = await coordinator.GetJsonAsync($"/api/work-orders?propertyId={propertyId}&limit=1&offset=1");
        page.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("workOrderId").GetGuid().ShouldBe(leak.WorkOrderId);
    }

    [Fact]
    public async Task Should_name_the_field_of_a_bad_filter_or_sort_and_refuse_staff_without_the_role()
    {
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        foreach (var (query, field) in new[] { ("state=Lost", "state"), ("priority=emergency", "priority"), ("sort=description", "sort"), ("limit=0", "limit") })
        {
            var response = await coordinator.GetAsync($"/api/work-orders?{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, query);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().ShouldHaveSingleItem().Name.ShouldBe(field);
        }

        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        (await accountant.GetAsync("/api/work-orders")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
