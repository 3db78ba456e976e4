using System.Text.Json.Nodes;

namespace Orchestration.Gateway.Tests;

/// <summary>
/// Every field of an application is checked at the edge: a 400 problem names the field, and nothing is stored, held or
/// sent. What passes is what screening, mail and the card processor downstream accept.
/// </summary>
public sealed class When_a_lease_application_has_bad_input(StaffApiFixture hosts) : IClassFixture<StaffApiFixture>
{
    static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string, string, string> Texts => new()
    {
        { "applicantName", "Ada\u0000Lovelace", "NUL" },
        { "applicantName", "Ada\u202eecalevoL", "a right-to-left override" },
        { "applicantName", "Ada\u001b[31mLovelace", "an ANSI escape" },
        { "applicantName", "Ada\r\nBcc: x", "CR/LF" },
        { "applicantName", "Ada\u200bLovelace", "a zero-width space" },
        { "applicantEmail", "nul\u0000x@example.com", "NUL" },
        { "applicantEmail", "ada lovelace@example.com", "a space" },
        { "applicantEmail", "a@b", "a domain without a dot" },
        { "applicantEmail", "\"x\"@example.com", "a quoted local part" },
        { "applicantEmail", "<a>@b.c", "angle brackets" },
        { "applicantEmail", "a b@example.com", "a space" },
        { "applicantEmail", "ａ@example.com", "a fullwidth letter" },
        { "applicantEmail", "x@[127.0.0.1]", "an address literal" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Should_refuse_unprintable_text_and_addresses_that_mail_would_refuse(string field, string value, string what)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var (staff, body, unitId) = await ApplicationAsync(provider);
            body[field] = value;

            await (await Apply(staff, body)).ShouldNameFieldAsync(field, $"{field} with {what} on {provider}");

            await NothingStoredAsync(provider, staff, unitId);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_lone_surrogate_with_a_problem(string provider)
    {
        var (staff, body, unitId) = await ApplicationAsync(provider);
        body["applicantName"] = "SURROGATE";

        var response = await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString().Replace("SURROGATE", "\\ud800x"));

        await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await NothingStoredAsync(provider, staff, unitId);
    }

    public static TheoryData<string, string, string> Amounts => new()
    {
        { "monthlyRent", "\"1850\"", "a number as a string" },
        { "securityDeposit", "\"0\"", "a number as a string" },
        { "monthlyRent", "1850.001", "a tenth of a cent" },
        { "monthlyRent", "0", "zero" },
        { "securityDeposit", "-1", "a negative amount" },
        { "monthlyRent", "1000000", "above the processor's per-charge maximum" },
        { "securityDeposit", "999999.99", "rent plus deposit above the processor's per-charge maximum" },
        { "monthlyRent", "null", "null" },
        { "currency", "\"ZZZ\"", "no currency" },
        { "currency", "\"XXX\"", "the code for no currency" },
        { "currency", "\"XAU\"", "gold" },
        { "currency", "\"XTS\"", "the testing code" },
        { "currency", "\"JPY\"", "a currency without cents" },
        { "currency", "\"ｕｓｄ\"", "fullwidth letters" },
        { "leaseStart", "\"1900-01-01\"", "a start in the past" },
        { "leaseStart", "\"2020-01-01\"", "a start in the past" },
        { "leaseEnd", "\"9999-12-31\"", "an end thousands of years on" },
        { "leaseStart", "\"2999-01-01\"", "a start centuries ahead" },
        { "leaseStart", "null", "null" },
    };

    [Theory]
    [MemberData(nameof(Amounts))]
    public async Task Should_refuse_amounts_currencies_and_dates_that_could_never_be_charged_or_lived_in(string field, string json, string what)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var (staff, body, unitId) = await ApplicationAsync(provider);
            body[field] = JsonNode.Parse(json);
            if (field == "securityDeposit" && json == "999999.99")
                body["monthlyRent"] = 1m;

            await (await Apply(staff, body)).ShouldNameFieldAsync(field, $"{field} {json} ({what}) on {provider}");

            await NothingStoredAsync(provider, staff, unitId);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_omitted_deposit_rather_than_take_it_as_zero(string provider)
    {
        var (staff, body, unitId) = await ApplicationAsync(provider);
        body.Remove("securityDeposit");

        await (await Apply(staff, body)).ShouldNameFieldAsync("securityDeposit", "no deposit given");

        await NothingStoredAsync(provider, staff, unitId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_lease_longer_than_five_years(string provider)
    {
        var (staff, body, unitId) = await ApplicationAsync(provider);
        body["leaseEnd"] = LeaseTerm.Start.AddYears(5).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await (await Apply(staff, body)).ShouldNameFieldAsync("leaseEnd", "a lease of five years and a day");

        await NothingStoredAsync(provider, staff, unitId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_field_given_twice(string provider)
    {
        var (staff, body, unitId) = await ApplicationAsync(provider);
        var json = body.ToJsonString();

        var response = await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", "{\"monthlyRent\":0.5," + json[1..]);

        await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await NothingStoredAsync(provider, staff, unitId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_take_a_lease_that_starts_today_and_a_lower_case_currency(string provider)
    {
        var (staff, body, _) = await ApplicationAsync(provider);
        body["leaseStart"] = Today;
        body["currency"] = "eur";

        var response = await Apply(staff, body);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("monthlyRent").GetProperty("currency").GetString().ShouldBe("EUR");
    }

    public static TheoryData<string> Reasons => new() { "moved\r\ninfo: Orchestration.Security[0] Staff user 0000 granted admin", "x\u0000y", "why\u202e" };

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Should_refuse_a_cancel_reason_that_is_not_one_line_of_printable_text(string reason)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var (staff, body, unitId) = await ApplicationAsync(provider);
            var applied = await Apply(staff, body);
            applied.StatusCode.ShouldBe(HttpStatusCode.Accepted, await applied.Content.ReadAsStringAsync());
            var leaseId = (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();

            await (await staff.PostAsJsonAsync($"/api/leases/{leaseId}/cancel", new { reason })).ShouldNameFieldAsync("reason", $"on {provider}");

            (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("leaseId").GetGuid().ShouldBe(leaseId);
        }
    }

    async Task<(HttpClient Staff, JsonObject Body, Guid UnitId)> ApplicationAsync(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        return (staff, PortalRequests.ApplicationJson(propertyId, unitId, $"applicant-{Guid.NewGuid():N}@example.com"), unitId);
    }

    static Task<HttpResponseMessage> Apply(HttpClient staff, JsonObject body) =>
        staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString(new JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));

    async Task NothingStoredAsync(string provider, HttpClient staff, Guid unitId)
    {
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:leases} WHERE unit_id = @unit", ("@unit", unitId))).ShouldBe(0);
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }
}
