using Orchestration.Messages.Maintenance;

namespace Orchestration.Gateway.Tests;

public sealed class When_staff_request_a_work_order(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static object Request(Guid propertyId, Guid unitId, string category = "plumbing") => new
    {
        propertyId, unitId, category, description = "Kitchen tap drips", tenantName = "Ada Lovelace", tenantEmail = "ada@example.com",
    };

    async Task<Guid> RequestedAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/work-orders", request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("workOrderId").GetGuid();
    }

    static WorkOrderProgressed Step(Guid workOrderId, Guid propertyId, Guid unitId, int sequence, string step, string state) => new()
    {
        WorkOrderId = workOrderId, PropertyId = propertyId, UnitId = unitId, Sequence = sequence, Step = step, State = state,
        OccurredAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Should_show_the_work_order_and_follow_the_dispatch_sagas_steps_once_each()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        var workOrderId = await RequestedAsync(coordinator, Request(propertyId, unitId));

        var requested = await coordinator.GetJsonAsync($"/api/work-orders/{workOrderId}");
        requested.GetProperty("state").GetString().ShouldBe("Requested");
        requested.GetProperty("category").GetString().ShouldBe("plumbing");
        requested.GetProperty("timeline").GetArrayLength().ShouldBe(0);

        var first = Guid.NewGuid();
        await Gateway.PublishAsync(Step(workOrderId, propertyId, unitId, 1, "Requested", "ChoosingVendor"), first);
        await Gateway.PublishAsync(Step(workOrderId, propertyId, unitId, 2, "Dispatched", "AwaitingAcceptance"));
        await Gateway.PublishAsync(Step(workOrderId, propertyId, unitId, 1, "Requested", "ChoosingVendor"));
        await Gateway.PublishAsync(new WorkOrderOpened
        {
            WorkOrderId = workOrderId, PropertyId = propertyId, UnitId = unitId, Source = WorkOrderSource.Staff, Category = "plumbing",
            Priority = WorkOrderPriority.Urgent, OpenedAt = DateTimeOffset.UtcNow,
        });

        await Eventually.HoldsAsync(async () =>
        {
            var order = await coordinator.GetJsonAsync($"/api/work-orders/{workOrderId}");
            return order.GetProperty("timeline").GetArrayLength() == 2 && order.GetProperty("priority").GetString() == "Urgent";
        }, TimeSpan.FromSeconds(20), "the steps and the priority reach the work order");
        var shown = await coordinator.GetJsonAsync($"/api/work-orders/{workOrderId}");
        shown.GetProperty("state").GetString().ShouldBe("AwaitingAcceptance");
        shown.GetProperty("timeline").EnumerateArray().Select(x => x.GetProperty("step").GetString()).ShouldBe(["Requested", "Dispatched"]);
    }

    [Fact]
    public async Task Should_answer_a_retry_with_the_same_idempotency_key_with_the_same_work_order()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);
        var key = $"wo-{Guid.NewGuid():N}";

        async Task<Guid> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/work-orders") { Content = JsonContent.Create(Request(propertyId, unitId)) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await admin.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("workOrderId").GetGuid();
        }

        (await SendAsync()).ShouldBe(await SendAsync());
    }

    [Fact]
    public async Task Should_refuse_an_accountant_and_anyone_not_signed_in()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);
        var workOrderId = await RequestedAsync(admin, Request(propertyId, unitId));
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        await (await accountant.PostAsJsonAsync("/api/work-orders", Request(propertyId, unitId))).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await accountant.GetAsync($"/api/work-orders/{workOrderId}")).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await Gateway.Anonymous().GetAsync($"/api/work-orders/{workOrderId}")).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
        (await (await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager)).GetJsonAsync($"/api/work-orders/{workOrderId}"))
            .GetProperty("workOrderId").GetGuid().ShouldBe(workOrderId);
    }

    [Fact]
    public async Task Should_name_the_field_of_bad_input_and_record_nothing()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var otherUnit = await admin.AddUnitAsync(await admin.CreatePropertyAsync("Elsewhere Court"));
        var before = await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.work_orders");

        var invalid = await (await admin.PostAsJsonAsync("/api/work-orders", new { propertyId, category = "plumb%ing", description = "" }))
            .ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        invalid.GetProperty("errors").EnumerateObject().Select(x => x.Name).ShouldBe(["unitId", "category", "description"], ignoreOrder: true);
        var wrongUnit = await (await admin.PostAsJsonAsync("/api/work-orders", Request(propertyId, otherUnit)))
            .ShouldAnswerProblemAsync(HttpStatusCode.UnprocessableEntity);
        wrongUnit.ToString().ShouldContain("unitId");
        await (await admin.GetAsync($"/api/work-orders/{Guid.NewGuid()}")).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);

        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.work_orders")).ShouldBe(before);
    }
}
