using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Maintenance.Tests;

/// <summary>Our dispatch consumer against the vendor simulator over real HTTP, which checks the signature as a vendor would.</summary>
public abstract class When_a_work_order_is_offered_to_a_vendor(MaintenanceFixture fixture) : MaintenanceTest(fixture), IAsyncLifetime
{
    VendorSimulator _simulator = null!;
    HttpClient _controls = null!;

    public async Task InitializeAsync()
    {
        _simulator = await VendorSimulator.StartAsync();
        _controls = _simulator.Controls;
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    /// <summary>A vendor registered with <paramref name="ourSecret"/> whose simulated office verifies with <paramref name="theirSecret"/>.</summary>
    async Task<(Guid VendorId, string Name)> VendorAsync(string ourSecret, string theirSecret)
    {
        var name = $"vendor-{Guid.NewGuid():N}";
        var vendorId = await Host.WriteAsync((registry, session) => registry.RegisterAsync(session, new NewVendor(
            name, ["plumbing"], [RegistryAccess.NewArea()], new Uri(_simulator.BaseUrl, $"vendors/{name}/webhooks"), ourSecret,
            RegistryAccess.Today.AddYears(1), 1), DateTimeOffset.UtcNow, CancellationToken.None));
        (await _controls.PutAsJsonAsync($"_sim/vendors/{name}", new { signingSecret = theirSecret, behaviour = "Ignore" })).EnsureSuccessStatusCode();
        return (vendorId, name);
    }

    static DispatchToVendor Offer(Guid vendorId) => new()
    {
        WorkOrderId = Guid.NewGuid(), VendorId = vendorId, EventId = Guid.NewGuid(), PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(),
        Priority = WorkOrderPriority.Emergency, Category = "plumbing", Description = "Water under the sink", AcceptBy = DateTimeOffset.UtcNow.AddMinutes(15),
    };

    async Task<JsonElement> VendorSawAsync(string name) => await _controls.GetFromJsonAsync<JsonElement>($"_sim/vendors/{name}/events");

    /// <summary>What the vendor has seen once it has received <paramref name="deliveries"/> webhooks, which go out after the offer commits.</summary>
    async Task<JsonElement> VendorSawAsync(string name, int deliveries)
    {
        await Eventually.HoldsAsync(async () => (await VendorSawAsync(name)).GetProperty("events").EnumerateArray()
            .Sum(e => e.GetProperty("deliveries").GetInt32()) >= deliveries, TimeSpan.FromSeconds(10), $"{deliveries} webhook(s) at {name}");
        return await VendorSawAsync(name);
    }

    [Fact]
    public async Task Should_deliver_a_signed_offer_the_vendor_verifies()
    {
        var secret = $"whsec_{Guid.NewGuid():N}";
        var (vendorId, name) = await VendorAsync(secret, secret);
        var offer = Offer(vendorId);

        (await Host.SendAsync(offer)).ShouldBeNull();

        var seen = await VendorSawAsync(name, deliveries: 1);
        var received = seen.GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        received.GetProperty("eventId").GetString().ShouldBe(offer.EventId.ToString());
        received.GetProperty("type").GetString().ShouldBe("work_order.dispatched");
        received.GetProperty("workOrderId").GetString().ShouldBe(offer.WorkOrderId.ToString());
        seen.GetProperty("refused").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Should_let_the_vendor_drop_a_repeated_offer_by_its_event_id()
    {
        var secret = $"whsec_{Guid.NewGuid():N}";
        var (vendorId, name) = await VendorAsync(secret, secret);
        var offer = Offer(vendorId);

        (await Host.SendAsync(offer)).ShouldBeNull();
        (await Host.SendAsync(offer)).ShouldBeNull();

        var received = (await VendorSawAsync(name, deliveries: 2)).GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        received.GetProperty("deliveries").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Should_be_refused_when_signed_with_another_secret_and_not_retried()
    {
        var (vendorId, name) = await VendorAsync($"whsec_{Guid.NewGuid():N}", $"whsec_{Guid.NewGuid():N}");

        var failure = await Host.SendAsync(new DeliverVendorWebhook
        {
            VendorId = vendorId, EventId = Guid.NewGuid(), Type = "work_order.dispatched", WorkOrderJson = $$"""{"id":"{{Guid.NewGuid()}}"}""",
        });

        failure.ShouldNotBeNull().Message.ShouldContain("401");
        var seen = await VendorSawAsync(name);
        seen.GetProperty("events").GetArrayLength().ShouldBe(0);
        seen.GetProperty("refused").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Should_tell_the_vendor_when_the_job_is_withdrawn()
    {
        var secret = $"whsec_{Guid.NewGuid():N}";
        var (vendorId, name) = await VendorAsync(secret, secret);
        var withdrawal = new WithdrawDispatch { WorkOrderId = Guid.NewGuid(), VendorId = vendorId, EventId = Guid.NewGuid(), Reason = "No-show" };

        (await Host.SendAsync(withdrawal)).ShouldBeNull();

        var received = (await VendorSawAsync(name, deliveries: 1)).GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        received.GetProperty("type").GetString().ShouldBe("work_order.withdrawn");
    }
}

public sealed class When_a_work_order_is_offered_to_a_vendor_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_a_work_order_is_offered_to_a_vendor(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_a_work_order_is_offered_to_a_vendor_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_a_work_order_is_offered_to_a_vendor(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
