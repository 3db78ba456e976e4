using MQTTnet;
using MQTTnet.Protocol;

namespace Orchestration.Portal.Tests;

/// <summary>
/// A leak sensor registered through the API publishes a leak alarm to the standalone host's embedded MQTT broker with a
/// real MQTT client; the work order it opens appears on the work orders page, and its timeline shows it dispatched to the
/// vendor and then accepted by the simulated vendor, through the signed webhook and the vendor API.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_leak_alarm_is_raised_in_the_portal(PortalRun run)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_show_its_work_order_dispatched_then_accepted()
    {
        using var admin = await run.ApiAsync(PortalRun.AdminEmail);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // A postal code of its own, which only this test's vendor serves: no other vendor is asked first.
        var postalCode = $"L{suffix}";
        var property = await admin.PostAsync("/api/properties", new
        {
            name = $"Leak Court {suffix}", addressLine1 = "1 Water Lane", city = "Springfield", postalCode, country = "US",
        }, HttpStatusCode.Created);
        var propertyId = property.GetProperty("propertyId").GetGuid();
        var unit = await admin.PostAsync($"/api/properties/{propertyId}/units", new
        {
            label = "1A", bedrooms = 1, bathrooms = 1m, squareFeet = 600, marketRent = new { amount = 1200m, currency = "USD" },
        }, HttpStatusCode.Created);
        var unitId = unit.GetProperty("unitId").GetGuid();

        var vendor = $"leak-{suffix}";
        var vendorName = $"Leak Plumbing {suffix}";
        var registered = await admin.PostAsync("/api/vendors", new
        {
            name = vendorName, trades = new[] { "plumbing" }, serviceAreas = new[] { postalCode.ToLowerInvariant() },
            callbackUrl = new Uri(run.Vendors, $"/vendors/{vendor}/webhooks").ToString(),
            insuranceExpiresOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), preference = 0,
        }, HttpStatusCode.Created);
        var vendorId = registered.GetProperty("vendorId").GetGuid();
        await Eventually.HoldsAsync(async () => await FoundAsync(admin, $"/api/vendors/{vendorId}") is not null, Deadline, "the vendor was registered");
        var key = (await admin.PostAsync($"/api/vendors/{vendorId}/keys", new { }, HttpStatusCode.Created)).GetProperty("key").GetString()!;
        await Eventually.HoldsAsync(async () => (await FoundAsync(admin, $"/api/vendors/{vendorId}"))?.GetProperty("keys").GetArrayLength() == 1, Deadline,
            "Maintenance holds the vendor's API key");
        using (var simulator = new HttpClient { BaseAddress = run.Vendors })
        {
            var setup = await simulator.PutAsJsonAsync($"/_sim/vendors/{vendor}", new
            {
                signingSecret = registered.GetProperty("signingSecret").GetString(), apiKey = key, behaviour = "Accept",
            });
            setup.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var sensor = await admin.PostAsync("/api/devices", new { propertyId, unitId, kind = "leak-sensor" }, HttpStatusCode.Created);
        var page = await run.SignInAsync(PortalRun.AdminEmail);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Work orders" }).ClickAsync();

        using var mqtt = await ConnectAsync(sensor);
        var published = await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(sensor.GetProperty("eventsTopic").GetString()!)
            .WithPayload($$"""{"messageId":"leak-{{suffix}}","sequence":1,"type":"alarm","alarm":"leak"}""")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        published.ReasonCode.ShouldBe(MqttClientPublishReasonCode.Success);

        Guid? workOrderId = null;
        await Eventually.HoldsAsync(async () =>
        {
            var orders = (await admin.GetAsync($"/api/work-orders?propertyId={propertyId}")).GetProperty("items");
            workOrderId = orders.GetArrayLength() == 1 ? orders[0].GetProperty("workOrderId").GetGuid() : null;
            return workOrderId is not null;
        }, Deadline, "the alarm opened a work order");

        // The list is read when the page opens; it is opened again until the new work order is on it.
        var link = page.GetByTestId("work-order-list").GetByRole(AriaRole.Link, new() { Name = workOrderId.ToString() });
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await link.WaitForAsync(new() { Timeout = 3_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 10)
            {
                await page.ReloadAsync();
            }
        }

        await link.ClickAsync();
        await Expect(page.GetByText("Priority Emergency", new() { Exact = false })).ToBeVisibleAsync();
        var timeline = page.GetByTestId("work-order-timeline");
        await Expect(timeline).ToContainTextAsync("Dispatched", new() { Timeout = 30_000 });
        await Expect(timeline).ToContainTextAsync("Accepted", new() { Timeout = 30_000 });
        var steps = await timeline.Locator(".mud-timeline-item").AllInnerTextsAsync();
        var dispatched = steps.ToList().FindIndex(s => s.TrimStart().StartsWith("Dispatched", StringComparison.Ordinal));
        dispatched.ShouldBeGreaterThanOrEqualTo(0, string.Join(" | ", steps));
        steps[dispatched].ShouldContain(vendorName);
        steps.ToList().FindIndex(s => s.TrimStart().StartsWith("Accepted", StringComparison.Ordinal)).ShouldBeGreaterThan(dispatched, string.Join(" | ", steps));
        await page.Context.CloseAsync();
    }

    static async Task<JsonElement?> FoundAsync(StaffApi api, string path)
    {
        try
        {
            return await api.GetAsync(path);
        }
        catch (HttpRequestException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Connects as the device with the credentials the API gave it; refused until Devices has registered it.</summary>
    async Task<IMqttClient> ConnectAsync(JsonElement device)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", run.MqttPort)
            .WithCredentials(device.GetProperty("username").GetString()!, device.GetProperty("password").GetString()!).WithCleanSession().Build();
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return (await client.ConnectAsync(options)).ResultCode == MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                return false;
            }
        }, Deadline, "the broker let the registered device connect");
        return client;
    }
}
