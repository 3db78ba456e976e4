using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>A vendor as the registry knows it. The signing secret is for signing our calls to the vendor; it never leaves this endpoint.</summary>
public sealed record Vendor(
    Guid VendorId, string Name, string Trades, string ServiceAreas, string CallbackUrl, string SigningSecret, DateOnly InsuranceExpiresOn,
    int Preference)
{
    public IReadOnlyList<string> TradeList => Split(Trades);

    public IReadOnlyList<string> ServiceAreaList => Split(ServiceAreas);

    static string[] Split(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A vendor to register; <see cref="Preference"/> orders vendors of a trade, lowest first.</summary>
public sealed record NewVendor(
    string Name, IReadOnlyList<string> Trades, IReadOnlyList<string> ServiceAreas, Uri CallbackUrl, string SigningSecret, DateOnly InsuranceExpiresOn,
    int Preference);

/// <summary>An API key as issued: the key itself is shown once, here, and stored only as its hash.</summary>
public sealed record IssuedApiKey(Guid KeyId, Guid VendorId, string Key);

/// <summary>
/// The vendor registry's SQL, in one place: vendors with their trades, service areas, callback and compliance dates,
/// and their API keys. Every method runs on the caller's <see cref="SqlSession"/>, inside its transaction.
/// </summary>
public sealed class VendorRegistry(SqlStorage storage)
{
    const string KeyPrefix = "vk_";

    readonly string _vendors = storage.Table("vendors");
    readonly string _keys = storage.Table("vendor_api_keys");

    public async Task<Guid> RegisterAsync(SqlSession session, NewVendor vendor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var entry in vendor.Trades.Concat(vendor.ServiceAreas))
        {
            if (!IsListEntry(entry))
                throw new ArgumentException($"'{entry}' is not a trade or service area: letters, digits and '-' only, at most 40.", nameof(vendor));
        }

        var vendorId = Guid.CreateVersion7(now);
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_vendors} (vendor_id, name, trades, service_areas, callback_url, signing_secret, insurance_expires_on, preference, registered_at)
            VALUES (@vendorId, @Name, @trades, @areas, @callbackUrl, @SigningSecret, @InsuranceExpiresOn, @Preference, @now)
            """, new
            {
                vendorId, vendor.Name, trades = List(vendor.Trades), areas = List(vendor.ServiceAreas), callbackUrl = vendor.CallbackUrl.ToString(),
                vendor.SigningSecret, vendor.InsuranceExpiresOn, vendor.Preference, now,
            }, cancellationToken));
        return vendorId;
    }

    public Task<Vendor?> FindAsync(SqlSession session, Guid vendorId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<Vendor?>(session.Command(
            $"{SelectVendor} WHERE vendor_id = @vendorId", new { vendorId }, cancellationToken));

    /// <summary>
    /// The vendors who may take a job of <paramref name="trade"/> in <paramref name="serviceArea"/> on <paramref name="today"/>:
    /// the trade and the area listed, insurance not expired. In order of preference.
    /// </summary>
    public async Task<IReadOnlyList<Vendor>> EligibleAsync(SqlSession session, string trade, string serviceArea, DateOnly today,
        CancellationToken cancellationToken)
    {
        // Anything else could carry a LIKE wildcard; no vendor lists it anyway.
        if (!IsListEntry(trade) || !IsListEntry(serviceArea))
            return [];

        return (await session.Connection.QueryAsync<Vendor>(session.Command($"""
            {SelectVendor}
            WHERE trades LIKE @trade AND service_areas LIKE @area AND insurance_expires_on >= @today
            ORDER BY preference, name
            """, new { trade = Entry(trade), area = Entry(serviceArea), today }, cancellationToken))).AsList();
    }

    /// <summary>A new key for the vendor; the caller shows <see cref="IssuedApiKey.Key"/> once. A vendor may hold several (rotation).</summary>
    public async Task<IssuedApiKey> IssueApiKeyAsync(SqlSession session, Guid vendorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var keyId = Guid.CreateVersion7(now);
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_keys} (key_hash, key_id, vendor_id, created_at) VALUES (@hash, @keyId, @vendorId, @now)
            """, new { hash = Hash(key), keyId, vendorId, now }, cancellationToken));
        return new IssuedApiKey(keyId, vendorId, key);
    }

    /// <summary>Revokes a key; the first revocation's time stays. False when the vendor has no such key.</summary>
    public async Task<bool> RevokeApiKeyAsync(SqlSession session, Guid vendorId, Guid keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_keys} SET revoked_at = COALESCE(revoked_at, @now) WHERE key_id = @keyId AND vendor_id = @vendorId
            """, new { keyId, vendorId, now }, cancellationToken)) == 1;

    /// <summary>The vendor a presented key belongs to, or null for an unknown or revoked key.</summary>
    public async Task<Guid?> AuthenticateAsync(SqlSession session, string presentedKey, CancellationToken cancellationToken)
    {
        if (!presentedKey.StartsWith(KeyPrefix, StringComparison.Ordinal) || presentedKey.Length > 100)
            return null;

        return await session.Connection.QuerySingleOrDefaultAsync<Guid?>(session.Command($"""
            SELECT vendor_id FROM {_keys} WHERE key_hash = @hash AND revoked_at IS NULL
            """, new { hash = Hash(presentedKey) }, cancellationToken));
    }

    // The keys are 256 random bits, so a fast hash is enough: there is no dictionary to try against it. The lookup is
    // by the hash itself, so no stored value is ever compared with the presented one.
    static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    static string List(IEnumerable<string> entries) => $" {string.Join(' ', entries.Select(Normalize).Distinct())} ";

    static string Entry(string entry) => $"% {Normalize(entry)} %";

    static bool IsListEntry(string entry) =>
        entry.Trim() is { Length: > 0 and <= 40 } trimmed && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    static string Normalize(string entry) => entry.Trim().ToLowerInvariant();

    string SelectVendor => $"""
        SELECT vendor_id, name, trades, service_areas, callback_url, signing_secret, insurance_expires_on, preference FROM {_vendors}
        """;
}
