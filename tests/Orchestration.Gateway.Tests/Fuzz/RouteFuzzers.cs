using System.Globalization;
using System.Security.Cryptography;
using CsCheck;

namespace Orchestration.Gateway.Tests.Fuzz;

/// <summary>
/// A request generator for every route the Gateway maps, keyed <c>"METHOD pattern"</c> as the endpoint data source names
/// it. Each starts from a valid request (a real property, unit, lease or tenant where the route needs one) and mutates
/// body, path, query and headers; webhook bodies are signed with the provider's real secret most of the time, after the
/// mutation, so the receivers' parsing is reached and not only the signature check.
/// </summary>
public sealed class RouteFuzzers(FuzzWorld world)
{
    public IReadOnlyDictionary<string, Gen<FuzzRequest>> All { get; } = Build(world);

    static Dictionary<string, Gen<FuzzRequest>> Build(FuzzWorld w)
    {
        var leaseStart = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        // Applications aim at vacant units, one each until they are taken, so valid ones get past the unit check and
        // reach the tenant matching; the held unit and unknown ones are in the mix through the mutations.
        string Application(Guid unitId) => JsonSerializer.Serialize(new
        {
            propertyId = w.PropertyId, unitId, applicantName = "Ada Lovelace", applicantEmail = w.TenantEmail, monthlyRent = 1850.00m,
            securityDeposit = 1850.00m, currency = "USD", leaseStart, leaseEnd = leaseStart.AddYears(1),
        }, JsonSerializerOptions.Web);
        var property = JsonSerializer.Serialize(PortalRequests.Property("Fuzzed Court"), JsonSerializerOptions.Web);
        var unit = JsonSerializer.Serialize(PortalRequests.Unit("F1"), JsonSerializerOptions.Web);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var lease = w.LeaseId.ToString("N");
        const string lateFeePolicy = """{"basis":"PercentOfRent","rate":5,"accrual":"Daily","graceDays":5,"capPerCharge":100,"monthlyMaximum":150}""";

        return new Dictionary<string, Gen<FuzzRequest>>
        {
            ["* /health/live"] = Read(Gen.Const("/health/live")),
            ["* /health/ready"] = Read(Gen.Const("/health/ready")),
            ["* /health/delivery"] = Read(Gen.Const("/health/delivery")),
            ["GET /openapi/{documentName}.json"] = Read(Gen.OneOf("/openapi/v1.json", "/openapi/v2.json", "/openapi/%00.json")),

            ["POST /webhooks/payments"] = Webhook("/webhooks/payments", "Stripe-Signature", StaffApiHost.WebhookSecrets["Payments"],
                "{\"id\":\"evt_fuzz\",\"type\":\"payment_intent.succeeded\",\"created\":" + now + ",\"data\":{\"object\":{\"id\":\"pi_fuzz\",\"amount\":370000,\"amount_received\":370000,\"currency\":\"usd\",\"metadata\":{\"lease_id\":\"" + w.LeaseId + "\"}}}}"),
            ["POST /webhooks/esign"] = Webhook("/webhooks/esign", "X-Signature", StaffApiHost.WebhookSecrets["ESignature"],
                "{\"id\":\"evt_fuzz_esign\",\"type\":\"envelope.signed\",\"createdAt\":\"2026-12-01T10:00:00Z\",\"envelope\":{\"id\":\"env_fuzz\",\"reference\":\"lease-" + lease + "\",\"signer\":{\"email\":\"ada@example.com\",\"signedAt\":\"2026-12-01T10:00:00Z\"}}}"),
            ["POST /webhooks/screening"] = Webhook("/webhooks/screening", "X-Signature", StaffApiHost.WebhookSecrets["Screening"],
                "{\"id\":\"evt_fuzz_screening\",\"type\":\"screening.completed\",\"createdAt\":\"2026-12-01T10:00:00Z\",\"screening\":{\"id\":\"scr_fuzz\",\"reference\":\"lease-" + lease + "\",\"decision\":\"approved\"}}"),

            ["POST /api/auth/login"] = Send("POST", Gen.Const("/api/auth/login"), """{"email":"nobody@staff-api.test","password":"not the password at all"}""",
                anonymousOnly: true),
            ["POST /api/auth/logout"] = Send("POST", Gen.Const("/api/auth/logout"), "{}", anonymousOnly: true),
            ["GET /api/auth/me"] = Read(Gen.Const("/api/auth/me")),
            ["POST /api/auth/password"] = Send("POST", Gen.Const("/api/auth/password"),
                """{"currentPassword":"not the current password","newPassword":"a new long enough password"}"""),
            ["POST /api/auth/tokens/"] = Send("POST", Gen.Const("/api/auth/tokens"), """{"name":"fuzz","roles":["operator"],"expiresInDays":30}"""),
            ["GET /api/auth/tokens/"] = Read(Gen.Const("/api/auth/tokens")),
            ["DELETE /api/auth/tokens/{id:guid}"] = Send("DELETE", FuzzValues.Id().Select(id => $"/api/auth/tokens/{id}"), ""),

            ["GET /api/users/"] = Read(Gen.Const("/api/users")),
            ["POST /api/users/"] = Send("POST", Gen.Const("/api/users"),
                """{"email":"fuzzed@staff-api.test","displayName":"Fuzzed","password":"a long enough password","roles":["operator"]}"""),
            ["GET /api/users/{id:guid}"] = Read(FuzzValues.Id(w.StaffUserId).Select(id => $"/api/users/{id}")),
            ["PUT /api/users/{id:guid}/roles"] = Send("PUT", FuzzValues.Id(w.StaffUserId).Select(id => $"/api/users/{id}/roles"), """{"roles":["operator"]}"""),
            ["POST /api/users/{id:guid}/disable"] = Send("POST", FuzzValues.Id(w.StaffUserId).Select(id => $"/api/users/{id}/disable"), ""),
            ["POST /api/users/{id:guid}/enable"] = Send("POST", FuzzValues.Id(w.StaffUserId).Select(id => $"/api/users/{id}/enable"), ""),
            ["POST /api/users/{id:guid}/password"] = Send("POST", FuzzValues.Id(w.StaffUserId).Select(id => $"/api/users/{id}/password"),
                """{"newPassword":"a new long enough password","keepApiTokens":false}"""),

            ["GET /api/properties/"] = Read(FuzzValues.Query("limit", "offset").Select(q => $"/api/properties{q}")),
            ["GET /api/properties/{id:guid}"] = Read(FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}")),
            ["GET /api/properties/{id:guid}/units"] = Read(FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}/units")),
            ["GET /api/units/{id:guid}"] = Read(FuzzValues.Id(w.UnitId).Select(id => $"/api/units/{id}")),
            ["POST /api/properties/"] = Send("POST", Gen.Const("/api/properties"), property),
            ["PUT /api/properties/{id:guid}"] = Send("PUT", FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}"), property),
            ["POST /api/properties/{id:guid}/units"] = Send("POST", FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}/units"), unit),
            ["PUT /api/units/{id:guid}"] = Send("PUT", FuzzValues.Id(w.UnitId).Select(id => $"/api/units/{id}"), unit),

            ["GET /api/tenants/"] = Read(FuzzValues.Query("status", "limit", "offset").Select(q => $"/api/tenants{q}")),
            ["GET /api/tenants/{id:guid}"] = Read(FuzzValues.Id(w.TenantId).Select(id => $"/api/tenants/{id}")),
            ["PATCH /api/tenants/{id:guid}"] = Send("PATCH", FuzzValues.Id(w.TenantId).Select(id => $"/api/tenants/{id}"),
                $$"""{"name":"Ada Lovelace","email":"{{w.TenantEmail}}"}"""),

            ["GET /api/discrepancies/"] = Read(FuzzValues.Query("provider", "kind", "leaseId", "limit", "offset").Select(q => $"/api/discrepancies{q}")),
            ["GET /api/discrepancies/{provider}/{eventId}"] = Read(Gen.Select(Segment("payments", "esign", "screening"), Segment("evt_fuzz", "evt_fuzz_esign"),
                (provider, eventId) => $"/api/discrepancies/{provider}/{eventId}")),

            ["POST /api/rent-runs"] = Send("POST", Gen.Const("/api/rent-runs"), """{"period":"2031-05"}"""),
            ["GET /api/rent-runs/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/rent-runs/{id}")),
            ["POST /api/reconciliation/runs/"] = Send("POST", Gen.Const("/api/reconciliation/runs"), JsonSerializer.Serialize(new
            {
                from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3), to = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1),
            }, JsonSerializerOptions.Web)),
            ["GET /api/reconciliation/runs/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/reconciliation/runs/{id}")),
            ["GET /api/reconciliations"] = Read(FuzzValues.Query("limit", "offset").Select(q => $"/api/reconciliations{q}")),
            ["GET /api/reconciliations/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/reconciliations/{id}")),
            ["GET /api/leases/{id:guid}/ledger"] = Read(Gen.Select(FuzzValues.Id(w.LeaseId), FuzzValues.Query("asOf"))
                .Select((id, q) => $"/api/leases/{id}/ledger{q}")),
            ["GET /api/properties/{id:guid}/late-fee-policy"] = Read(FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}/late-fee-policy")),
            ["GET /api/leases/{id:guid}/late-fee-policy"] = Read(FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}/late-fee-policy")),
            ["PUT /api/properties/{id:guid}/late-fee-policy"] = Send("PUT", FuzzValues.Id(w.PropertyId).Select(id => $"/api/properties/{id}/late-fee-policy"),
                lateFeePolicy),
            ["PUT /api/leases/{id:guid}/rent-settings"] = Send("PUT", FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}/rent-settings"),
                """{"fullPaymentOnly":true}"""),
            ["PUT /api/leases/{id:guid}/late-fee-policy"] = Send("PUT", FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}/late-fee-policy"),
                lateFeePolicy),
            ["POST /api/leases/{id:guid}/refunds"] = Send("POST", FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}/refunds"),
                """{"amount":25.00,"currency":"USD","reason":"Overpaid rent"}"""),
            ["GET /api/leases"] = Read(FuzzValues.Query("state", "propertyId", "limit", "offset", "sort").Select(q => $"/api/leases{q}")),
            ["GET /api/leases/{id:guid}"] = Read(FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}")),
            ["POST /api/lease-applications"] = Gen.OneOf([.. w.VacantUnits.Append(w.UnitId).Select(unit =>
                Send("POST", Gen.Const("/api/lease-applications"), Application(unit)))]),
            ["POST /api/leases/{id:guid}/cancel"] = Send("POST", FuzzValues.Id(w.LeaseId).Select(id => $"/api/leases/{id}/cancel"),
                """{"reason":"Applicant withdrew"}"""),

            ["POST /api/work-orders/"] = Send("POST", Gen.Const("/api/work-orders"), JsonSerializer.Serialize(new
            {
                propertyId = w.PropertyId, unitId = w.UnitId, category = "plumbing", description = "Kitchen tap drips", tenantName = "Ada Lovelace",
                tenantEmail = w.TenantEmail,
            }, JsonSerializerOptions.Web)),
            ["GET /api/work-orders/"] = Read(FuzzValues.Query("state", "priority", "propertyId", "sort", "limit", "offset")
                .Select(q => $"/api/work-orders{q}")),
            ["GET /api/work-orders/{id:guid}"] = Read(FuzzValues.Id(w.LeaseId).Select(id => $"/api/work-orders/{id}")),

            ["GET /api/devices/"] = Read(FuzzValues.Query("propertyId", "unitId", "kind", "limit", "offset").Select(q => $"/api/devices{q}")),
            ["GET /api/devices/{id:guid}"] = Read(FuzzValues.Id(w.UnitId).Select(id => $"/api/devices/{id}")),
            ["GET /api/devices/quarantine"] = Read(FuzzValues.Query("reasonKind", "limit", "offset").Select(q => $"/api/devices/quarantine{q}")),
            ["POST /api/devices/"] = Send("POST", Gen.Const("/api/devices"),
                JsonSerializer.Serialize(new { propertyId = w.PropertyId, unitId = w.UnitId, kind = "leak-sensor" }, JsonSerializerOptions.Web)),
            ["POST /api/vendors/"] = Send("POST", Gen.Const("/api/vendors"), JsonSerializer.Serialize(new
            {
                name = "Fuzzed Plumbing", trades = new[] { "plumbing" }, serviceAreas = new[] { "sw1a1aa" }, callbackUrl = "https://vendor.example/hooks",
                insuranceExpiresOn = leaseStart.AddYears(1), preference = 5,
            }, JsonSerializerOptions.Web)),
            ["GET /api/vendors/"] = Read(FuzzValues.Query("limit", "offset").Select(q => $"/api/vendors{q}")),
            ["GET /api/vendors/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/vendors/{id}")),
            ["PUT /api/vendors/{id:guid}/compliance"] = Send("PUT", FuzzValues.Id().Select(id => $"/api/vendors/{id}/compliance"),
                JsonSerializer.Serialize(new { insuranceExpiresOn = leaseStart.AddYears(2) }, JsonSerializerOptions.Web)),
            ["POST /api/vendors/{id:guid}/keys"] = Send("POST", FuzzValues.Id().Select(id => $"/api/vendors/{id}/keys"), ""),
            ["DELETE /api/vendors/{id:guid}/keys/{keyId:guid}"] = Send("DELETE",
                Gen.Select(FuzzValues.Id(), FuzzValues.Id(), (id, keyId) => $"/api/vendors/{id}/keys/{keyId}"), ""),
            ["GET /api/operations/failed-messages"] = Read(FuzzValues.Query("status", "from", "to", "endpoint", "messageType", "q", "groupBy", "groupKey",
                "limit", "offset").Select(q => $"/api/operations/failed-messages{q}")),
            ["GET /api/operations/failed-messages/export"] = Read(FuzzValues.Query("status", "from", "to", "q", "groupBy", "groupKey")
                .Select(q => $"/api/operations/failed-messages/export{q}")),
            ["GET /api/operations/failed-messages/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/operations/failed-messages/{id}")),
            ["GET /api/operations/groups"] = Read(FuzzValues.Query("by").Select(q => $"/api/operations/groups{q}")),
            ["GET /api/operations/audit"] = Read(FuzzValues.Query("limit", "offset").Select(q => $"/api/operations/audit{q}")),
            ["GET /api/operations/sagas/{type}/{id:guid}"] = Read(Gen.Select(Segment("LeaseSigningState", "RentCollectionState"), FuzzValues.Id(),
                FuzzValues.Query("limit", "offset"), (type, id, q) => $"/api/operations/sagas/{type}/{id}{q}")),
            ["GET /api/operations/conversations/{id:guid}"] = Read(FuzzValues.Id().Select(id => $"/api/operations/conversations/{id}")),
            ["POST /api/operations/failed-messages/{id:guid}/retry"] = Send("POST", FuzzValues.Id().Select(id => $"/api/operations/failed-messages/{id}/retry"), ""),
            ["POST /api/operations/failed-messages/retry"] = Send("POST", Gen.Const("/api/operations/failed-messages/retry"),
                """{"filter":{"from":"2026-12-01T00:00:00Z","to":"2026-12-02T00:00:00Z","endpoint":"billing","messageType":"Rent","q":"refused"}}"""),
            ["POST /api/operations/failed-messages/archive"] = Send("POST", Gen.Const("/api/operations/failed-messages/archive"),
                $$"""{"messageIds":["{{Guid.NewGuid()}}"]}"""),
            ["POST /api/operations/failed-messages/restore"] = Send("POST", Gen.Const("/api/operations/failed-messages/restore"),
                $$"""{"messageIds":["{{Guid.NewGuid()}}"]}"""),
            ["POST /api/operations/groups/retry"] = Send("POST", Gen.Const("/api/operations/groups/retry"), """{"by":"exception","key":"0123456789abcdef"}"""),
            ["POST /api/operations/groups/archive"] = Send("POST", Gen.Const("/api/operations/groups/archive"), """{"by":"queue","key":"billing-rent-payments"}"""),
            ["PUT /api/operations/groups/note"] = Send("PUT", Gen.Const("/api/operations/groups/note"),
                """{"by":"message-type","key":"Rent","note":"Payment gateway outage, retry after 14:00"}"""),
            ["POST /api/operations/failed-messages/{id:guid}/edit-and-retry"] = Send("POST",
                FuzzValues.Id().Select(id => $"/api/operations/failed-messages/{id}/edit-and-retry"),
                """{"body":"{\"messageId\":\"00000000-0000-0000-0000-000000000001\",\"message\":{\"tenant\":\"Ada\"}}","headers":{"X-Note":"edited"}}"""),
            ["* /metrics"] = Read(Gen.Const("/metrics")),
            ["GET /api/operations/endpoints/"] = Read(Gen.Const("/api/operations/endpoints")),
            ["POST /api/operations/endpoints/{endpoint}/{instance}/mute"] = Send("POST",
                Gen.Select(Segment("gateway", "devices"), Segment("host:5080", "unknown"),
                    (endpoint, instance) => $"/api/operations/endpoints/{endpoint}/{instance}/mute"),
                JsonSerializer.Serialize(new { until = DateTimeOffset.UtcNow.AddHours(2) }, JsonSerializerOptions.Web)),
            ["DELETE /api/operations/endpoints/{endpoint}/{instance}/mute"] = Send("DELETE",
                Gen.Select(Segment("gateway", "devices"), Segment("host:5080", "unknown"),
                    (endpoint, instance) => $"/api/operations/endpoints/{endpoint}/{instance}/mute"), ""),
            ["GET /api/operations/monitoring/"] = Read(FuzzValues.Query("from", "to").Select(q => $"/api/operations/monitoring{q}")),
            ["GET /api/operations/monitoring/{endpoint}"] = Read(Gen.Select(Segment("gateway", "operations"), FuzzValues.Query("from", "to", "messageType"),
                (endpoint, q) => $"/api/operations/monitoring/{endpoint}{q}")),
            ["GET /api/operations/alerts/rules"] = Read(Gen.Const("/api/operations/alerts/rules")),
            ["GET /api/operations/alerts/channels"] = Read(Gen.Const("/api/operations/alerts/channels")),
            ["POST /api/operations/alerts/rules"] = Send("POST", Gen.Const("/api/operations/alerts/rules"),
                """{"name":"queue","kind":"queue-length","endpoint":"billing","threshold":100,"coolDownSeconds":600,"channelIds":["00000000-0000-0000-0000-000000000001"],"enabled":true}"""),
            ["PUT /api/operations/alerts/rules/{id:guid}"] = Send("PUT", FuzzValues.Id().Select(id => $"/api/operations/alerts/rules/{id}"),
                """{"name":"failures","kind":"failures","threshold":5,"windowSeconds":300,"channelIds":["00000000-0000-0000-0000-000000000001"]}"""),
            ["DELETE /api/operations/alerts/rules/{id:guid}"] = Send("DELETE", FuzzValues.Id().Select(id => $"/api/operations/alerts/rules/{id}"), ""),
            ["POST /api/operations/alerts/channels"] = Send("POST", Gen.Const("/api/operations/alerts/channels"),
                """{"name":"on-call","kind":"webhook","url":"https://hooks.example.test/alerts"}"""),
            ["PUT /api/operations/alerts/channels/{id:guid}"] = Send("PUT", FuzzValues.Id().Select(id => $"/api/operations/alerts/channels/{id}"),
                """{"name":"operators","kind":"email","recipients":["ops@example.test"]}"""),
            ["DELETE /api/operations/alerts/channels/{id:guid}"] = Send("DELETE", FuzzValues.Id().Select(id => $"/api/operations/alerts/channels/{id}"), ""),
        };
    }

    /// <summary>A free-text path segment: a known value, or one that is long, encoded, empty-ish or not text at all.</summary>
    static Gen<string> Segment(params string[] known) => Gen.Frequency(
        (4, Gen.OneOf(known)),
        (1, Gen.OneOf("%00", "%E2%80%AE", "%F0%9F%98%80", "..", "%2F", "%ZZ", " ", new string('a', 300), new string('b', 5000))),
        (1, Gen.String.Select(Uri.EscapeDataString)));

    static readonly Gen<FuzzIdentity> Identity = Gen.Frequency((6, Gen.Const(FuzzIdentity.Session)), (1, Gen.Const(FuzzIdentity.Anonymous)));

    static Gen<FuzzRequest> Read(Gen<string> path) =>
        Gen.Select(path, Identity, FuzzValues.Headers, (p, identity, headers) => new FuzzRequest("GET", p, identity, headers, null, null));

    static Gen<FuzzRequest> Send(string method, Gen<string> path, string sample, bool anonymousOnly = false) =>
        Gen.Select(path, anonymousOnly ? Gen.Const(FuzzIdentity.Anonymous) : Identity, FuzzValues.Headers,
            sample.Length == 0 ? Gen.Frequency((3, Gen.Const((string?)null)), (1, FuzzValues.Garbage.Select(g => (string?)g))) : FuzzValues.Mutated(sample).Select(b => (string?)b),
            FuzzValues.ContentType,
            (p, identity, headers, body, contentType) => new FuzzRequest(method, p, identity, headers, body, body is null ? null : contentType));

    /// <summary>A provider's delivery: signed with the real secret over the mutated body, or signed wrongly, late, or not at all.</summary>
    static Gen<FuzzRequest> Webhook(string path, string header, string secret, string sample) =>
        Gen.Select(FuzzValues.Mutated(sample), Gen.Int[0, 9], FuzzValues.ContentType, FuzzValues.Headers, (body, signing, contentType, headers) =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var signature = signing switch
            {
                <= 5 => Sign(secret, now, body),
                6 => Sign(secret, now - 3600, body),
                7 => $"t={now},v1={new string('0', 64)}",
                8 => "t=99999999999999999999,v1=" + new string('f', 64),
                _ => null,
            };
            var all = signature is null ? headers : [.. headers, (header, signature)];
            return new FuzzRequest("POST", path, FuzzIdentity.Anonymous, all, body, contentType);
        });

    static string Sign(string secret, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return $"t={timestamp},v1={Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)).ToLowerInvariant()}";
    }
}

/// <summary>The real records the fuzzers aim at: a property with a held unit and vacant ones, a lease and its tenant, and a staff user.</summary>
public sealed record FuzzWorld(Guid PropertyId, Guid UnitId, Guid LeaseId, Guid TenantId, string TenantEmail, Guid StaffUserId,
    IReadOnlyList<Guid> VacantUnits);
