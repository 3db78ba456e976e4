namespace Orchestration.Gateway.Tests;

public sealed class When_staff_manage_properties_and_units(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_create_a_property_at_its_location_and_list_it()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var name = $"Maple Court {Guid.NewGuid():N}";

        var created = await staff.PostAsJsonAsync("/api/properties", PortalRequests.Property(name));

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var property = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = property.GetProperty("propertyId").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/properties/{id}");
        var fetched = await staff.GetJsonAsync(created.Headers.Location.ToString());
        fetched.GetProperty("name").GetString().ShouldBe(name);
        fetched.GetProperty("addressLine1").GetString().ShouldBe("120 Harbor Way");
        fetched.GetProperty("country").GetString().ShouldBe("US");

        var list = await staff.GetJsonAsync("/api/properties?limit=200");
        list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("propertyId").GetGuid()).ShouldContain(id);
        list.GetProperty("total").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Should_replace_a_propertys_name_and_address()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var id = await staff.CreatePropertyAsync();

        var updated = await staff.PutAsJsonAsync($"/api/properties/{id}", new
        {
            name = "Harbor View Residences",
            addressLine1 = "122 Harbor Way",
            addressLine2 = "Leasing office",
            city = "Seattle",
            region = "WA",
            postalCode = "98101",
            country = "us",
        });

        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var property = await staff.GetJsonAsync($"/api/properties/{id}");
        property.GetProperty("name").GetString().ShouldBe("Harbor View Residences");
        property.GetProperty("addressLine2").GetString().ShouldBe("Leasing office");
        property.GetProperty("country").GetString().ShouldBe("US");
    }

    [Fact]
    public async Task Should_add_vacant_units_and_list_them_under_their_property()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();

        var created = await staff.PostAsJsonAsync($"/api/properties/{propertyId}/units", PortalRequests.Unit("2B"));
        var second = await staff.AddUnitAsync(propertyId, "1A");

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var unit = await created.Content.ReadFromJsonAsync<JsonElement>();
        var unitId = unit.GetProperty("unitId").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/units/{unitId}");

        var fetched = await staff.GetJsonAsync($"/api/units/{unitId}");
        fetched.GetProperty("propertyId").GetGuid().ShouldBe(propertyId);
        fetched.GetProperty("status").GetString().ShouldBe("vacant");
        fetched.GetProperty("bathrooms").GetDecimal().ShouldBe(1.5m);
        fetched.GetProperty("marketRent").GetProperty("amount").GetDecimal().ShouldBe(2400m);
        fetched.GetProperty("marketRent").GetProperty("currency").GetString().ShouldBe("USD");

        var units = await staff.GetJsonAsync($"/api/properties/{propertyId}/units");
        units.EnumerateArray().Select(u => u.GetProperty("unitId").GetGuid()).ShouldBe([second, unitId]);
    }

    [Fact]
    public async Task Should_refuse_a_second_unit_with_the_same_label_in_a_property()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        await staff.AddUnitAsync(propertyId, "101");

        var again = await staff.PostAsJsonAsync($"/api/properties/{propertyId}/units", PortalRequests.Unit("101"));

        (await again.ShouldAnswerProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("101");
        (await staff.GetJsonAsync($"/api/properties/{propertyId}/units")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_invalid_input_with_a_problem_naming_each_field()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();

        var property = await staff.PostAsJsonAsync("/api/properties", new { name = " ", city = "Seattle", postalCode = "98101", country = "USA" });
        var propertyErrors = (await property.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        propertyErrors.EnumerateObject().Select(e => e.Name).ShouldBe(["name", "addressLine1", "country"], ignoreOrder: true);

        var unit = await staff.PostAsJsonAsync($"/api/properties/{propertyId}/units",
            new { label = "3C", bedrooms = -1, bathrooms = 1.25m, squareFeet = 0, marketRent = new { amount = 0m, currency = "dollars" } });
        var unitErrors = (await unit.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        unitErrors.EnumerateObject().Select(e => e.Name)
            .ShouldBe(["bedrooms", "bathrooms", "squareFeet", "marketRent.amount", "marketRent.currency"], ignoreOrder: true);

        var malformed = await staff.PostAsync("/api/properties", new StringContent("{ \"name\": ", System.Text.Encoding.UTF8, "application/json"));
        await malformed.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);

        var paging = await staff.GetAsync("/api/properties?limit=0&offset=-1");
        (await paging.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(e => e.Name)
            .ShouldBe(["limit", "offset"], ignoreOrder: true);

        (await staff.GetJsonAsync($"/api/properties/{propertyId}/units")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Should_answer_unknown_ids_with_a_404_problem()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var unknown = Guid.NewGuid();

        foreach (var path in new[] { $"/api/properties/{unknown}", $"/api/properties/{unknown}/units", $"/api/units/{unknown}", $"/api/tenants/{unknown}",
                     $"/api/leases/{unknown}" })
            (await (await staff.GetAsync(path)).ShouldAnswerProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain(unknown.ToString());

        await (await staff.PutAsJsonAsync($"/api/properties/{unknown}", PortalRequests.Property())).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsJsonAsync($"/api/properties/{unknown}/units", PortalRequests.Unit("1"))).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        await (await staff.PostAsJsonAsync($"/api/leases/{unknown}/cancel", new { reason = "Duplicate" })).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.units WHERE property_id = @id", ("id", unknown))).ShouldBe(0);
    }
}
