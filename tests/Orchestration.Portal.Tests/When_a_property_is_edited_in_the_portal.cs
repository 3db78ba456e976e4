namespace Orchestration.Portal.Tests;

/// <summary>A property manager opens a property from the list, changes its name and address in its form, and the list and the API show the change.</summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_property_is_edited_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_save_the_new_name_and_address()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // A name that sorts before the demo properties', so the list's first page shows it.
        var created = await manager.PostAsync("/api/properties", new
        {
            name = $"0 Portal property {suffix}", addressLine1 = "1 First Street", city = "Springfield", postalCode = "12345", country = "US",
        }, HttpStatusCode.Created);
        var propertyId = created.GetProperty("propertyId").GetGuid();

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Properties & units" }).ClickAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = $"0 Portal property {suffix}" }).ClickAsync();
        var form = page.GetByTestId("property-form");
        await form.GetByLabel("Property name").FillAsync($"0 Portal renamed {suffix}");
        await form.GetByLabel("Address line 1").FillAsync("2 Second Street");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save property" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = $"0 Portal renamed {suffix}" })).ToBeVisibleAsync();
        var saved = await manager.GetAsync($"/api/properties/{propertyId}");
        saved.GetProperty("name").GetString().ShouldBe($"0 Portal renamed {suffix}");
        saved.GetProperty("addressLine1").GetString().ShouldBe("2 Second Street");
        await page.Context.CloseAsync();
    }
}
