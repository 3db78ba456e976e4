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
    readonly string _vendors = storage.Table("vendors");
    readonly string _keys = storage.Table("vendor_api_keys");

    public async Task<Guid> RegisterAsync(SqlSession session, NewVendor vendor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var vendorId = Guid.CreateVersion7(now);
        await TryRegisterAsync(session, vendorId, vendor, now, cancellationToken);
        return vendorId;
    }

    /// <summary>Registers the vendor under <paramref name="vendorId"/>; false when it is registered already (a repeated command).</summary>
    public async Task<bool> TryRegisterAsync(SqlSession session, Guid vendorId, NewVendor vendor, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var entry in vendor.Trades.Concat(vendor.ServiceAreas))
        {
            if (!IsListEntry(entry))
                throw new ArgumentException($"'{entry}' is not a trade or service area: letters, digits and '-' only, at most 40.", nameof(vendor));
        }

        return await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_vendors} (vendor_id, name, trades, service_areas, callback_url, signing_secret, insurance_expires_on, preference, registered_at)
            VALUES (@vendorId, @Name, @trades, @areas, @callbackUrl, @SigningSecret, @InsuranceExpiresOn, @Preference, @now)
            ON CONFLICT (vendor_id) DO NOTHING
            """, new
            {
                vendorId, vendor.Name, trades = List(vendor.Trades), areas = List(vendor.ServiceAreas), callbackUrl = vendor.CallbackUrl.ToString(),
                vendor.SigningSecret, vendor.InsuranceExpiresOn, vendor.Preference, now,
            }, cancellationToken)) == 1;
    }

    /// <summary>When the vendor was registered, or null for an unknown vendor.</summary>
    public Task<DateTimeOffset?> RegisteredAtAsync(SqlSession session, Guid vendorId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<DateTimeOffset?>(session.Command(
            $"SELECT registered_at FROM {_vendors} WHERE vendor_id = @vendorId", new { vendorId }, cancellationToken));

    /// <summary>
    /// Sets the insurance expiry as staff asked at <paramref name="requestedAt"/>, unless a later request is stored already;
    /// false when nothing changed (an unknown vendor or an older request).
    /// </summary>
    public async Task<bool> UpdateComplianceAsync(SqlSession session, Guid vendorId, DateOnly insuranceExpiresOn, DateTimeOffset requestedAt,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_vendors} SET insurance_expires_on = @insuranceExpiresOn, compliance_requested_at = @requestedAt
            WHERE vendor_id = @vendorId AND (compliance_requested_at IS NULL OR compliance_requested_at < @requestedAt)
            """, new { vendorId, insuranceExpiresOn, requestedAt }, cancellationToken)) == 1;

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
        var key = VendorApiKey.New();
        var keyId = Guid.CreateVersion7(now);
        await AddApiKeyAsync(session, vendorId, keyId, VendorApiKey.Hash(key), now, cancellationToken);
        return new IssuedApiKey(keyId, vendorId, key);
    }

    /// <summary>Adds a key made elsewhere, by its hash; a key id or hash already stored is left as it is (a repeated command).</summary>
    public Task AddApiKeyAsync(SqlSession session, Guid vendorId, Guid keyId, string keyHash, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_keys} (key_hash, key_id, vendor_id, created_at) VALUES (@keyHash, @keyId, @vendorId, @now) ON CONFLICT DO NOTHING
            """, new { keyHash, keyId, vendorId, now }, cancellationToken));

    /// <summary>Revokes a key; the first revocation's time stays. False when the vendor has no such key.</summary>
    public async Task<bool> RevokeApiKeyAsync(SqlSession session, Guid vendorId, Guid keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_keys} SET revoked_at = COALESCE(revoked_at, @now) WHERE key_id = @keyId AND vendor_id = @vendorId
            """, new { keyId, vendorId, now }, cancellationToken)) == 1;

    /// <summary>The vendor a presented key belongs to, or null for an unknown or revoked key.</summary>
    public async Task<Guid?> AuthenticateAsync(SqlSession session, string presentedKey, CancellationToken cancellationToken)
    {
        if (!presentedKey.StartsWith(VendorApiKey.Prefix, StringComparison.Ordinal) || presentedKey.Length > VendorApiKey.MaxLength)
            return null;

        return await session.Connection.QuerySingleOrDefaultAsync<Guid?>(session.Command($"""
            SELECT vendor_id FROM {_keys} WHERE key_hash = @hash AND revoked_at IS NULL
            """, new { hash = VendorApiKey.Hash(presentedKey) }, cancellationToken));
    }

    static string List(IEnumerable<string> entries) => $" {string.Join(' ', entries.Select(Normalize).Distinct())} ";

    static string Entry(string entry) => $"% {Normalize(entry)} %";

    static bool IsListEntry(string entry) => VendorListEntry.IsValid(entry);

    static string Normalize(string entry) => entry.Trim().ToLowerInvariant();

    string SelectVendor => $"""
        SELECT vendor_id, name, trades, service_areas, callback_url, signing_secret, insurance_expires_on, preference FROM {_vendors}
        """;
}
