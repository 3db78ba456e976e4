using System.Net;
using System.Net.Http.Headers;

namespace Orchestration.Maintenance.Tests;

public abstract class When_staff_manage_vendors_through_registry_commands(MaintenanceFixture fixture) : MaintenanceTest(fixture)
{
    async Task<HttpStatusCode> ListWithAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Host.BaseAddress, "vendor/v1/work-orders"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (await Host.Http.SendAsync(request)).StatusCode;
    }

    async Task<Guid> RegisterAsync(string area, DateOnly insuredUntil)
    {
        var vendorId = Guid.NewGuid();
        var command = new RegisterVendor
        {
            VendorId = vendorId, Name = "Kestrel Plumbing", Trades = ["Plumbing"], ServiceAreas = [area],
            CallbackUrl = "http://127.0.0.1:5095/vendors/kestrel",
            SigningSecret = VendorSecretSeal.Seal(VendorSigningSecret.New(), MaintenanceFixture.SealingKey, vendorId), InsuranceExpiresOn = insuredUntil,
            Preference = 1,
        };
        (await Host.SendAsync(command)).ShouldBeNull();
        (await Host.SendAsync(command)).ShouldBeNull("a repeated registration");
        return vendorId;
    }

    Task<IReadOnlyList<Vendor>> EligibleAsync(string area) =>
        Host.ReadAsync<VendorRegistry, IReadOnlyList<Vendor>>((registry, session, ct) =>
            registry.EligibleAsync(session, "plumbing", area, RegistryAccess.Today, ct));

    [Fact]
    public async Task Should_let_a_key_issued_by_its_hash_into_the_vendor_api_until_it_is_revoked()
    {
        var vendorId = await RegisterAsync(RegistryAccess.NewArea(), RegistryAccess.Today.AddYears(1));
        var key = VendorApiKey.New();
        var issue = new IssueVendorApiKey { VendorId = vendorId, KeyId = Guid.NewGuid(), KeyHash = VendorApiKey.Hash(key) };

        (await Host.SendAsync(issue)).ShouldBeNull();
        (await Host.SendAsync(issue)).ShouldBeNull("a repeated issue");

        (await ListWithAsync(key)).ShouldBe(HttpStatusCode.OK);
        (await Host.SendAsync(new RevokeVendorApiKey { VendorId = vendorId, KeyId = issue.KeyId })).ShouldBeNull();
        (await ListWithAsync(key)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_stop_choosing_a_vendor_whose_insurance_is_set_to_have_expired_whatever_order_the_updates_came_in()
    {
        var area = RegistryAccess.NewArea();
        var vendorId = await RegisterAsync(area, RegistryAccess.Today.AddYears(1));
        (await EligibleAsync(area)).ShouldHaveSingleItem().VendorId.ShouldBe(vendorId);

        var requestedAt = DateTimeOffset.UtcNow;
        (await Host.SendAsync(new UpdateVendorCompliance
        {
            VendorId = vendorId, InsuranceExpiresOn = RegistryAccess.Today.AddDays(-1), RequestedAt = requestedAt,
        })).ShouldBeNull();
        (await Host.SendAsync(new UpdateVendorCompliance
        {
            VendorId = vendorId, InsuranceExpiresOn = RegistryAccess.Today.AddYears(2), RequestedAt = requestedAt.AddMinutes(-1),
        })).ShouldBeNull("an earlier request, late");

        (await EligibleAsync(area)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_move_aside_a_key_without_a_hash_and_one_for_an_unknown_vendor()
    {
        var vendorId = await RegisterAsync(RegistryAccess.NewArea(), RegistryAccess.Today.AddYears(1));
        var plain = VendorApiKey.New();

        (await Host.SendAsync(new IssueVendorApiKey { VendorId = vendorId, KeyId = Guid.NewGuid(), KeyHash = plain }))
            .ShouldBeOfType<VendorCommandRejectedException>();
        (await Host.SendAsync(new IssueVendorApiKey { VendorId = Guid.NewGuid(), KeyId = Guid.NewGuid(), KeyHash = VendorApiKey.Hash(plain) }))
            .ShouldBeOfType<VendorNotRegisteredException>();
        (await ListWithAsync(plain)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_move_aside_a_registration_whose_secret_is_not_sealed_for_that_vendor_with_the_key_configured_here()
    {
        var secret = VendorSigningSecret.New();
        RegisterVendor Registration(Guid vendorId, string signingSecret) => new()
        {
            VendorId = vendorId, Name = "Kestrel Plumbing", Trades = ["plumbing"], ServiceAreas = [RegistryAccess.NewArea()],
            CallbackUrl = "http://127.0.0.1:5095/vendors/kestrel", SigningSecret = signingSecret, InsuranceExpiresOn = RegistryAccess.Today.AddYears(1),
            Preference = 1,
        };

        var plain = Guid.NewGuid();
        var forAnother = Guid.NewGuid();
        var otherKey = Guid.NewGuid();
        (await Host.SendAsync(Registration(plain, secret))).ShouldBeOfType<VendorCommandRejectedException>();
        (await Host.SendAsync(Registration(forAnother, VendorSecretSeal.Seal(secret, MaintenanceFixture.SealingKey, Guid.NewGuid()))))
            .ShouldBeOfType<VendorCommandRejectedException>();
        (await Host.SendAsync(Registration(otherKey, VendorSecretSeal.Seal(secret, $"vseal_{Guid.NewGuid():N}", otherKey))))
            .ShouldBeOfType<VendorCommandRejectedException>();

        foreach (var vendorId in new[] { plain, forAnother, otherKey })
            (await Host.ReadAsync<VendorRegistry, Vendor?>((registry, session, ct) => registry.FindAsync(session, vendorId, ct))).ShouldBeNull();
    }
}

public sealed class When_staff_manage_vendors_through_registry_commands_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_staff_manage_vendors_through_registry_commands(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_staff_manage_vendors_through_registry_commands_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_staff_manage_vendors_through_registry_commands(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
