namespace Orchestration.Gateway.Tests;

/// <summary>
/// <c>PUT /api/units/{id}</c>: staff who keep properties replace a unit's label, rooms, floor area and market rent; bad
/// fields are a 400 naming them, a label another unit of the property has is a 409, and neither changes the unit.
/// </summary>
public sealed class When_staff_edit_a_unit(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static object Edit(string label, int bedrooms = 3, decimal bathrooms = 2m, int squareFeet = 1050, decimal rent = 2650.00m, string currency = "EUR") =>
        new { label, bedrooms, bathrooms, squareFeet, marketRent = new { amount = rent, currency } };

    [Fact]
    public async Task Should_replace_its_label_size_and_rent_and_keep_its_occupancy()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        var propertyId = await manager.CreatePropertyAsync();
        var unitId = await manager.AddUnitAsync(propertyId, "101");

        var response = await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit(" 101A "));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var unit = await manager.GetJsonAsync($"/api/units/{unitId}");
        unit.GetProperty("label").GetString().ShouldBe("101A");
        unit.GetProperty("bedrooms").GetInt32().ShouldBe(3);
        unit.GetProperty("bathrooms").GetDecimal().ShouldBe(2m);
        unit.GetProperty("squareFeet").GetInt32().ShouldBe(1050);
        unit.GetProperty("marketRent").GetProperty("amount").GetDecimal().ShouldBe(2650.00m);
        unit.GetProperty("marketRent").GetProperty("currency").GetString().ShouldBe("EUR");
        unit.GetProperty("status").GetString().ShouldBe("vacant");
        unit.GetProperty("propertyId").GetGuid().ShouldBe(propertyId);
        // The unit keeps its own label under another letter case.
        (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("101a"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_refuse_bad_fields_a_taken_label_an_unknown_unit_and_other_roles_changing_nothing()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        var propertyId = await manager.CreatePropertyAsync();
        var unitId = await manager.AddUnitAsync(propertyId, "201");
        await manager.AddUnitAsync(propertyId, "202B");

        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("201", bedrooms: -1))).ShouldNameFieldAsync("bedrooms", "negative bedrooms");
        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("201", bathrooms: 1.25m))).ShouldNameFieldAsync("bathrooms", "a quarter bathroom");
        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("2\u000001"))).ShouldNameFieldAsync("label", "a NUL in the label");
        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("201", currency: "XYZ"))).ShouldNameFieldAsync("marketRent.currency", "an unknown currency");
        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("202B"))).ShouldAnswerProblemAsync(HttpStatusCode.Conflict);
        await (await manager.PutAsJsonAsync($"/api/units/{unitId}", Edit("202b"))).ShouldAnswerProblemAsync(HttpStatusCode.Conflict);
        await (await manager.PutAsJsonAsync($"/api/units/{Guid.NewGuid()}", Edit("203"))).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        (await accountant.PutAsJsonAsync($"/api/units/{unitId}", Edit("204"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var unit = await manager.GetJsonAsync($"/api/units/{unitId}");
        unit.GetProperty("label").GetString().ShouldBe("201");
        unit.GetProperty("bedrooms").GetInt32().ShouldBe(2);
        unit.GetProperty("marketRent").GetProperty("currency").GetString().ShouldBe("USD");
    }
}
