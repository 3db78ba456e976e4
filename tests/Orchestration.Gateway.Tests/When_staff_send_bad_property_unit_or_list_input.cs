namespace Orchestration.Gateway.Tests;

/// <summary>Properties, units and list filters are checked at the edge like applications: a 400 naming the field, nothing stored.</summary>
public sealed class When_staff_send_bad_property_unit_or_list_input(StaffApiFixture hosts) : IClassFixture<StaffApiFixture>
{
    public static TheoryData<string, string> PropertyFields => new()
    {
        { "name", "Line1\r\nLine2" },
        { "name", "N\u0000UL" },
        { "addressLine1", "120 Harbor Way\u202e" },
        { "city", "Seattle\u0007" },
        { "postalCode", "<script>" },
        { "country", "ZZ" },
        { "country", "XK" },
    };

    [Theory]
    [MemberData(nameof(PropertyFields))]
    public async Task Should_refuse_a_property_field_that_is_not_plain_text_or_not_a_real_country(string field, string value)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var staff = await hosts[provider].SignInAsAdminAsync();
            var name = $"Bad {Guid.NewGuid():N}";
            var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(PortalRequests.Property(name)))!.AsObject();
            body[field] = value;

            await (await staff.PostAsJsonAsync("/api/properties", body)).ShouldNameFieldAsync(field, $"{field} {value} on {provider}");

            (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:properties} WHERE name = @name", ("@name", name))).ShouldBe(0);
        }
    }

    public static TheoryData<string, string> MarketRents => new()
    {
        { "{\"amount\":0.0000000001,\"currency\":\"USD\"}", "marketRent.amount" },
        { "{\"amount\":79228162514264337593543950335,\"currency\":\"USD\"}", "marketRent.amount" },
        { "{\"amount\":1850,\"currency\":\"ZZZ\"}", "marketRent.currency" },
        { "{\"amount\":\"1850\",\"currency\":\"USD\"}", "" },
        { "{\"currency\":\"USD\"}", "marketRent.amount" },
    };

    [Theory]
    [MemberData(nameof(MarketRents))]
    public async Task Should_refuse_a_market_rent_that_is_not_whole_cents_within_bounds_in_a_real_currency(string marketRent, string field)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var staff = await hosts[provider].SignInAsAdminAsync();
            var propertyId = await staff.CreatePropertyAsync();

            var response = await staff.SendJsonAsync(HttpMethod.Post, $"/api/properties/{propertyId}/units",
                $"{{\"label\":\"1\",\"bedrooms\":1,\"bathrooms\":1,\"squareFeet\":500,\"marketRent\":{marketRent}}}");

            if (field.Length > 0)
                await response.ShouldNameFieldAsync(field, $"{marketRent} on {provider}");
            else
                await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
            (await staff.GetJsonAsync($"/api/properties/{propertyId}/units")).GetArrayLength().ShouldBe(0);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_unit_label_that_differs_from_another_only_in_letter_case(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        await staff.AddUnitAsync(propertyId, "A");

        var second = await staff.PostAsJsonAsync($"/api/properties/{propertyId}/units", PortalRequests.Unit("a"));

        await second.ShouldAnswerProblemAsync(HttpStatusCode.Conflict);
        (await staff.GetJsonAsync($"/api/properties/{propertyId}/units")).GetArrayLength().ShouldBe(1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_unknown_list_filters_and_far_offsets_and_read_an_empty_filter_as_none(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId), $"lister-{Guid.NewGuid():N}@example.com");

        await (await staff.GetAsync("/api/tenants?status=bogus")).ShouldNameFieldAsync("status", "an unknown tenant status");
        await (await staff.GetAsync("/api/leases?state=bogus")).ShouldNameFieldAsync("state", "an unknown lease state");
        await (await staff.GetAsync("/api/leases?sort=state%3Bdrop")).ShouldNameFieldAsync("sort", "an unknown lease order");
        await (await staff.GetAsync("/api/leases?offset=2147483647")).ShouldNameFieldAsync("offset", "an offset past the bound");
        await (await staff.GetAsync("/api/properties?offset=10001")).ShouldNameFieldAsync("offset", "an offset past the bound");

        var all = (await staff.GetJsonAsync("/api/tenants")).GetProperty("total").GetInt64();
        (await staff.GetJsonAsync("/api/tenants?status=")).GetProperty("total").GetInt64().ShouldBe(all);
        (await staff.GetJsonAsync("/api/tenants?status=APPLICANT")).GetProperty("total").GetInt64()
            .ShouldBe((await staff.GetJsonAsync("/api/tenants?status=applicant")).GetProperty("total").GetInt64());
        (await staff.GetJsonAsync("/api/leases?state=submitted")).GetProperty("total").GetInt64().ShouldBeGreaterThan(0);
    }
}
