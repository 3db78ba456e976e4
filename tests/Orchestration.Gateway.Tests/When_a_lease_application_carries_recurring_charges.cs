using System.Text.Json.Nodes;

namespace Orchestration.Gateway.Tests;

/// <summary>
/// The charges a lease carries every month besides the rent are checked at the edge like every other field: a 400 problem
/// names the line and field, and nothing is stored or held; valid lines reach the lease-signing saga in the rent's currency.
/// </summary>
public sealed class When_a_lease_application_carries_recurring_charges(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    async Task<(HttpClient Staff, JsonObject Body, Guid UnitId)> ApplicationAsync()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        return (staff, PortalRequests.ApplicationJson(propertyId, unitId, $"applicant-{Guid.NewGuid():N}@example.com"), unitId);
    }

    static Task<HttpResponseMessage> Apply(HttpClient staff, JsonObject body) =>
        staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString());

    [Fact]
    public async Task Should_send_the_lines_to_leasing_in_the_rents_currency()
    {
        var (staff, body, _) = await ApplicationAsync();
        body["currency"] = "eur";
        body["recurringCharges"] = JsonNode.Parse("""[{"kind":"parking","description":" Bay 12 ","amount":75},{"kind":"pet","amount":30.5}]""");

        var response = await Apply(staff, body);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        var command = (await Gateway.SettledCommandsForLeaseAsync(nameof(SubmitLeaseApplication), leaseId)).ShouldHaveSingleItem();
        var lines = command.GetProperty("recurringCharges").EnumerateArray()
            .Select(l => (l.GetProperty("kind").GetString(), l.GetProperty("description").ValueKind == JsonValueKind.Null ? null : l.GetProperty("description").GetString(),
                decimal.Parse(l.GetProperty("amount").GetProperty("amount").ToString(), System.Globalization.CultureInfo.InvariantCulture),
                l.GetProperty("amount").GetProperty("currency").GetString()))
            .ToList();
        lines.ShouldBe([("parking", "Bay 12", 75m, "EUR"), ("pet", null, 30.5m, "EUR")]);
    }

    public static TheoryData<string, string, string> BadLines => new()
    {
        { "recurringCharges[0].kind", """[{"kind":"cable","amount":10}]""", "a kind not offered" },
        { "recurringCharges[0].kind", """[{"amount":10}]""", "no kind" },
        { "recurringCharges[1].amount", """[{"kind":"pet","amount":10},{"kind":"parking","amount":0}]""", "zero" },
        { "recurringCharges[0].amount", """[{"kind":"pet","amount":-5}]""", "a negative amount" },
        { "recurringCharges[0].amount", """[{"kind":"pet","amount":10.001}]""", "a tenth of a cent" },
        { "recurringCharges[0].amount", """[{"kind":"pet"}]""", "no amount" },
        { "recurringCharges[0].description", """[{"kind":"other","description":"x\r\nBcc: y","amount":10}]""", "CR/LF in the description" },
        { "recurringCharges[0]", """[null]""", "a null line" },
        { "recurringCharges", """[{"kind":"parking","amount":999999.99}]""", "rent plus lines above the per-charge maximum" },
        { "recurringCharges", "[" + string.Join(",", Enumerable.Repeat("""{"kind":"other","amount":1}""", 11)) + "]", "eleven lines" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task Should_refuse_a_bad_line_naming_it_and_store_nothing(string field, string lines, string what)
    {
        var (staff, body, unitId) = await ApplicationAsync();
        body["recurringCharges"] = JsonNode.Parse(lines);

        await (await Apply(staff, body)).ShouldNameFieldAsync(field, what);

        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.leases WHERE unit_id = @unit", ("unit", unitId))).ShouldBe(0);
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }
}
