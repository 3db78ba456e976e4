using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Maintenance.Tests;

public abstract class When_vendors_use_the_vendor_api(MaintenanceFixture fixture) : MaintenanceTest(fixture), IAsyncLifetime
{
    VendorSimulator _simulator = null!;

    public async Task InitializeAsync() => _simulator = await VendorSimulator.StartAsync(Host.BaseAddress);

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    HttpRequestMessage Call(HttpMethod method, string path, string? key, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Host.BaseAddress, path));
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null) =>
        await Host.Http.SendAsync(Call(method, path, key, body));

    async Task<Guid> OfferAsync(Guid vendorId)
    {
        var offer = new DispatchToVendor
        {
            WorkOrderId = Guid.NewGuid(), VendorId = vendorId, EventId = Guid.NewGuid(), PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(),
            Priority = WorkOrderPriority.Urgent, Category = "plumbing", Description = "Kitchen tap drips", AcceptBy = DateTimeOffset.UtcNow.AddHours(2),
        };
        (await Host.SendAsync(offer)).ShouldBeNull();
        return offer.WorkOrderId;
    }

    async Task<IReadOnlyList<Guid>> ListAsync(string key)
    {
        var response = await SendAsync(HttpMethod.Get, "vendor/v1/work-orders", key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(x => x.GetProperty("workOrderId").GetGuid()).ToList();
    }

    [Fact]
    public async Task Should_show_a_vendor_only_its_own_work_orders()
    {
        var area = RegistryAccess.NewArea();
        var a = await _simulator.VendorAsync(Host, area);
        var b = await _simulator.VendorAsync(Host, area);
        var ofA = await OfferAsync(a.VendorId);
        var ofB = await OfferAsync(b.VendorId);

        (await ListAsync(a.ApiKey)).ShouldBe([ofA]);
        (await ListAsync(b.ApiKey)).ShouldBe([ofB]);
    }

    [Fact]
    public async Task Should_answer_not_found_when_a_vendor_acts_on_another_vendors_work_order()
    {
        var area = RegistryAccess.NewArea();
        var a = await _simulator.VendorAsync(Host, area);
        var b = await _simulator.VendorAsync(Host, area);
        var ofB = await OfferAsync(b.VendorId);

        foreach (var (path, body) in new (string, object)[]
                 {
                     ("accept", new { }), ("decline", new { reason = "Busy" }),
                     ("visit-window", new { visitFrom = DateTimeOffset.UtcNow.AddHours(1), visitUntil = DateTimeOffset.UtcNow.AddHours(3) }),
                     ("complete", new { invoiceNumber = "INV-1", amount = 10m, currency = "USD" }),
                 })
        {
            var response = await SendAsync(HttpMethod.Post, $"vendor/v1/work-orders/{ofB}/{path}", a.ApiKey, body);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        (await ListAsync(b.ApiKey)).ShouldBe([ofB]);
    }

    [Fact]
    public async Task Should_refuse_a_revoked_key_a_missing_one_and_a_made_up_one()
    {
        var a = await _simulator.VendorAsync(Host, RegistryAccess.NewArea());
        var ofA = await OfferAsync(a.VendorId);
        var keyId = await Host.WriteAsync((registry, session) => registry.IssueApiKeyAsync(session, a.VendorId, DateTimeOffset.UtcNow, CancellationToken.None));
        (await Host.WriteAsync((registry, session) =>
            registry.RevokeApiKeyAsync(session, a.VendorId, keyId.KeyId, DateTimeOffset.UtcNow, CancellationToken.None))).ShouldBeTrue();

        (await SendAsync(HttpMethod.Get, "vendor/v1/work-orders", keyId.Key)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(HttpMethod.Post, $"vendor/v1/work-orders/{ofA}/accept", keyId.Key, new { })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(HttpMethod.Get, "vendor/v1/work-orders", key: null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(HttpMethod.Get, "vendor/v1/work-orders", "vk_made-up")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ListAsync(a.ApiKey)).ShouldBe([ofA]);
    }

    [Fact]
    public async Task Should_name_the_field_of_an_invalid_completion()
    {
        var a = await _simulator.VendorAsync(Host, RegistryAccess.NewArea());
        var ofA = await OfferAsync(a.VendorId);

        var response = await SendAsync(HttpMethod.Post, $"vendor/v1/work-orders/{ofA}/complete", a.ApiKey,
            new { invoiceNumber = "INV-7", amount = 12.345m, currency = "usd" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(x => x.Name).ShouldBe(["amount", "currency"], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_answer_a_body_that_is_not_json_with_a_problem_naming_it()
    {
        var a = await _simulator.VendorAsync(Host, RegistryAccess.NewArea());
        var ofA = await OfferAsync(a.VendorId);
        using var request = Call(HttpMethod.Post, $"vendor/v1/work-orders/{ofA}/decline", a.ApiKey);
        request.Content = new StringContent("{\"reason\": ", System.Text.Encoding.UTF8, "application/json");

        var response = await Host.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().ShouldHaveSingleItem().Name.ShouldBe("reason");
        (await ListAsync(a.ApiKey)).ShouldBe([ofA]);
    }

    [Fact]
    public async Task Should_carry_a_work_order_from_request_to_completion_through_the_simulated_vendor()
    {
        var area = RegistryAccess.NewArea();
        var vendor = await _simulator.VendorAsync(Host, area, behaviour: "Complete");
        var request = new RequestWorkOrder
        {
            WorkOrderId = Guid.NewGuid(), PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(), Source = WorkOrderSource.Tenant, Category = "plumbing",
            Description = "Kitchen tap drips", ServiceArea = area, RequestedBy = "tenant@example.com",
        };

        (await Host.SendAsync(request)).ShouldBeNull();

        var completed = await Host.Published.WaitForAsync<WorkOrderProgressed>(e => e.WorkOrderId == request.WorkOrderId && e.Step == "Completed");
        completed.ShouldHaveSingleItem().State.ShouldBe("Completed");
        var offered = (await _simulator.EventsAsync(vendor.Name)).GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        offered.GetProperty("workOrderId").GetString().ShouldBe(request.WorkOrderId.ToString());
    }
}

public sealed class When_vendors_use_the_vendor_api_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_vendors_use_the_vendor_api(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_vendors_use_the_vendor_api_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_vendors_use_the_vendor_api(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
