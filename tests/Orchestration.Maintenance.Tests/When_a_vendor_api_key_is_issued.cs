namespace Orchestration.Maintenance.Tests;

public abstract class When_a_vendor_api_key_is_issued(MaintenanceFixture fixture) : MaintenanceTest(fixture)
{
    Task<Guid?> Authenticate(string key) => Host.ReadAsync<VendorRegistry, Guid?>((registry, session, ct) => registry.AuthenticateAsync(session, key, ct));

    Task<IssuedApiKey> Issue(Guid vendorId) =>
        Host.WriteAsync((registry, session) => registry.IssueApiKeyAsync(session, vendorId, DateTimeOffset.UtcNow, CancellationToken.None));

    Task<bool> Revoke(Guid vendorId, Guid keyId) =>
        Host.WriteAsync((registry, session) => registry.RevokeApiKeyAsync(session, vendorId, keyId, DateTimeOffset.UtcNow, CancellationToken.None));

    [Fact]
    public async Task Should_know_the_vendor_by_its_key_and_keep_only_a_hash()
    {
        var vendor = await Host.RegisterAsync(RegistryAccess.NewArea(), "Fennel Heating", preference: 1);

        var issued = await Issue(vendor);

        (await Authenticate(issued.Key)).ShouldBe(vendor);
        var stored = await Host.Database.RowsAsync("vendor_api_keys");
        stored.ShouldNotBeEmpty();
        var secret = issued.Key[3..];
        stored.SelectMany(row => row.Values).OfType<string>().ShouldNotContain(text => text.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_a_revoked_key_and_keep_the_vendors_other_keys()
    {
        var vendor = await Host.RegisterAsync(RegistryAccess.NewArea(), "Gorse Locks", preference: 1, trades: "locksmith");
        var old = await Issue(vendor);
        var rotated = await Issue(vendor);

        (await Revoke(vendor, old.KeyId)).ShouldBeTrue();

        (await Authenticate(old.Key)).ShouldBeNull();
        (await Authenticate(rotated.Key)).ShouldBe(vendor);
    }

    [Fact]
    public async Task Should_not_let_one_vendor_revoke_another_vendors_key()
    {
        var area = RegistryAccess.NewArea();
        var owner = await Host.RegisterAsync(area, "Heath Roofing", preference: 1, trades: "roofing");
        var other = await Host.RegisterAsync(area, "Iris Roofing", preference: 2, trades: "roofing");
        var key = await Issue(owner);

        (await Revoke(other, key.KeyId)).ShouldBeFalse();

        (await Authenticate(key.Key)).ShouldBe(owner);
    }

    [Fact]
    public async Task Should_refuse_unknown_and_malformed_keys()
    {
        (await Authenticate("vk_" + new string('A', 43))).ShouldBeNull();
        (await Authenticate("not-a-vendor-key")).ShouldBeNull();
        (await Authenticate("vk_" + new string('x', 5000))).ShouldBeNull();
    }
}

public sealed class When_a_vendor_api_key_is_issued_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_a_vendor_api_key_is_issued(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_a_vendor_api_key_is_issued_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_a_vendor_api_key_is_issued(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
