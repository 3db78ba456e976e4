using Orchestration.Messages.Maintenance;

namespace Orchestration.Gateway.Tests;

public sealed class When_staff_manage_vendors(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    readonly List<JsonElement> _commands = [];

    /// <summary>The command the Gateway sent to the vendor registry's queue that <paramref name="matches"/>, once it arrives.</summary>
    async Task<JsonElement> RegistryCommandAsync(Func<JsonElement, bool> matches, string what)
    {
        JsonElement? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            _commands.AddRange(await Gateway.TakeCommandsAsync(CommandRoutes.VendorRegistry));
            found = _commands.Where(matches).Select(c => (JsonElement?)c).FirstOrDefault();
            return found is not null;
        }, TimeSpan.FromSeconds(15), what);
        return found!.Value;
    }

    static bool Names(JsonElement command, string property, Guid id) =>
        command.TryGetProperty(property, out var value) && value.GetGuid() == id;

    async Task ProjectedAsync<T>(T message, string what)
        where T : class
    {
        var id = NewId.NextGuid();
        await Gateway.PublishAsync(message, id);
        await Gateway.ConsumedAsync(id, what);
    }

    static object Vendor(string name) => new
    {
        name, trades = new[] { "Plumbing", "hvac" }, serviceAreas = new[] { "sw1a1aa" }, callbackUrl = "https://vendor.example/hooks",
        insuranceExpiresOn = "2027-06-30", preference = 3,
    };

    async Task<Guid> RegisteredAsync(HttpClient staff, string name)
    {
        var response = await staff.PostAsJsonAsync("/api/vendors", Vendor(name));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var vendorId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("vendorId").GetGuid();
        await ProjectedAsync(new VendorRegistered
        {
            VendorId = vendorId, Name = name, Trades = ["plumbing", "hvac"], ServiceAreas = ["sw1a1aa"], CallbackUrl = "https://vendor.example/hooks",
            InsuranceExpiresOn = new DateOnly(2027, 6, 30), Preference = 3, RegisteredAt = DateTimeOffset.UtcNow,
        }, "the registry stored the vendor");
        return vendorId;
    }

    [Fact]
    public async Task Should_answer_the_signing_secret_once_and_list_the_vendor_once_the_registry_stored_it()
    {
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        var response = await coordinator.PostAsJsonAsync("/api/vendors", Vendor("Larch Plumbing"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var registration = await response.Content.ReadFromJsonAsync<JsonElement>();
        var vendorId = registration.GetProperty("vendorId").GetGuid();
        var secret = registration.GetProperty("signingSecret").GetString().ShouldNotBeNull();
        secret.Length.ShouldBeGreaterThanOrEqualTo(64);
        var command = await RegistryCommandAsync(c => Names(c, "vendorId", vendorId) && c.TryGetProperty("signingSecret", out _),
            "RegisterVendor sent");
        // Sealed for this vendor with the key the Gateway and Maintenance share: never readable on the bus.
        var travelling = command.GetProperty("signingSecret").GetString().ShouldNotBeNull();
        travelling.ShouldNotContain(secret[7..]);
        VendorSecretSeal.Unseal(travelling, GatewayApiHost.VendorSealingKey, vendorId).ShouldBe(secret);
        VendorSecretSeal.Unseal(travelling, GatewayApiHost.VendorSealingKey, Guid.NewGuid()).ShouldBeNull();
        command.GetProperty("trades").EnumerateArray().Select(t => t.GetString()).ShouldBe(["plumbing", "hvac"]);
        (await coordinator.GetAsync($"/api/vendors/{vendorId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await ProjectedAsync(new VendorRegistered
        {
            VendorId = vendorId, Name = "Larch Plumbing", Trades = ["plumbing", "hvac"], ServiceAreas = ["sw1a1aa"],
            CallbackUrl = "https://vendor.example/hooks", InsuranceExpiresOn = new DateOnly(2027, 6, 30), Preference = 3,
            RegisteredAt = DateTimeOffset.UtcNow,
        }, "the registry stored the vendor");

        var vendor = await coordinator.GetJsonAsync($"/api/vendors/{vendorId}");
        vendor.GetProperty("name").GetString().ShouldBe("Larch Plumbing");
        vendor.GetRawText().ShouldNotContain(secret);
        var list = await coordinator.GetJsonAsync("/api/vendors?limit=200");
        list.GetProperty("items").EnumerateArray().Count(v => v.GetProperty("vendorId").GetGuid() == vendorId).ShouldBe(1);
    }

    [Fact]
    public async Task Should_issue_a_key_once_send_only_its_hash_and_revoke_it()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var vendorId = await RegisteredAsync(admin, "Maple Heating");

        var issued = await admin.PostAsync($"/api/vendors/{vendorId}/keys", null);

        issued.StatusCode.ShouldBe(HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var answer = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var key = answer.GetProperty("key").GetString().ShouldNotBeNull();
        var keyId = answer.GetProperty("keyId").GetGuid();
        var command = await RegistryCommandAsync(c => Names(c, "keyId", keyId) && c.TryGetProperty("keyHash", out _), "IssueVendorApiKey sent");
        command.GetProperty("keyHash").GetString().ShouldBe(VendorApiKey.Hash(key));
        command.GetRawText().ShouldNotContain(key[3..]);

        (await admin.DeleteAsync($"/api/vendors/{vendorId}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "not issued yet");
        await ProjectedAsync(new VendorApiKeyIssued { VendorId = vendorId, KeyId = keyId, IssuedAt = DateTimeOffset.UtcNow }, "the key stored");
        (await admin.GetJsonAsync($"/api/vendors/{vendorId}")).GetProperty("keys").EnumerateArray().ShouldHaveSingleItem()
            .GetProperty("keyId").GetGuid().ShouldBe(keyId);
        (await admin.DeleteAsync($"/api/vendors/{Guid.NewGuid()}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "another vendor's key");

        (await admin.DeleteAsync($"/api/vendors/{vendorId}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await RegistryCommandAsync(c => Names(c, "keyId", keyId) && !c.TryGetProperty("keyHash", out _), "RevokeVendorApiKey sent");
    }

    [Fact]
    public async Task Should_send_a_compliance_update_for_a_known_vendor_only()
    {
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);
        var vendorId = await RegisteredAsync(coordinator, "Nettle Electric");

        (await coordinator.PutAsJsonAsync($"/api/vendors/{Guid.NewGuid()}/compliance", new { insuranceExpiresOn = "2028-01-31" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var missing = await coordinator.PutAsJsonAsync($"/api/vendors/{vendorId}/compliance", new { });
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await missing.Content.ReadAsStringAsync()).ShouldContain("insuranceExpiresOn");

        var updated = await coordinator.PutAsJsonAsync($"/api/vendors/{vendorId}/compliance", new { insuranceExpiresOn = "2028-01-31" });

        updated.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var command = await RegistryCommandAsync(c => Names(c, "vendorId", vendorId) && c.TryGetProperty("requestedAt", out _),
            "UpdateVendorCompliance sent");
        command.GetProperty("insuranceExpiresOn").GetString().ShouldBe("2028-01-31");
        var requestedAt = DateTimeOffset.UtcNow;
        await ProjectedAsync(new VendorComplianceUpdated
        {
            VendorId = vendorId, InsuranceExpiresOn = new DateOnly(2028, 1, 31), RequestedAt = requestedAt,
        }, "the update stored");
        await ProjectedAsync(new VendorComplianceUpdated
        {
            VendorId = vendorId, InsuranceExpiresOn = new DateOnly(2027, 1, 1), RequestedAt = requestedAt.AddMinutes(-1),
        }, "an earlier update, late");
        (await coordinator.GetJsonAsync($"/api/vendors/{vendorId}")).GetProperty("insuranceExpiresOn").GetString().ShouldBe("2028-01-31");
    }

    [Fact]
    public async Task Should_refuse_bad_input_naming_the_field_and_staff_without_the_role()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        static object Body(string name = "A", string[]? trades = null, string[]? areas = null, string url = "https://v.example",
            string insured = "2027-01-01") =>
            new { name, trades = trades ?? ["plumbing"], serviceAreas = areas ?? ["x"], callbackUrl = url, insuranceExpiresOn = insured };
        foreach (var (body, field) in new (object, string)[]
                 {
                     (Body(trades: ["plumbing%"]), "trades"), (Body(areas: []), "serviceAreas"), (Body(url: "ftp://v.example"), "callbackUrl"),
                     (Body(insured: "soon"), "insuranceExpiresOn"), (Body(name: ""), "name"),
                 })
        {
            var response = await admin.PostAsJsonAsync("/api/vendors", body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, field);
            (await response.Content.ReadAsStringAsync()).ShouldContain(field);
        }

        foreach (var role in new[] { GatewayRoles.PropertyManager, GatewayRoles.Accountant, GatewayRoles.Operator })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            (await staff.PostAsJsonAsync("/api/vendors", Vendor("Oak Roofing"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
            (await staff.GetAsync("/api/vendors")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
            (await staff.PostAsync($"/api/vendors/{Guid.NewGuid()}/keys", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, role);
        }
    }
}
