namespace Orchestration.Portal.Tests;

/// <summary>
/// The navigation follows the signed-in user's roles: an accountant sees rent and ledgers, but neither leasing actions
/// nor user administration, and a page they open by its address says their roles do not give access.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_an_accountant_uses_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_not_see_the_actions_of_other_roles()
    {
        var page = await run.SignInAsync(await Users.CreateAsync(run, "accountant"));
        var navigation = page.GetByRole(AriaRole.Navigation);

        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Rent runs" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Tenants" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "New application" })).ToHaveCountAsync(0);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Users & API tokens" })).ToHaveCountAsync(0);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Work orders" })).ToHaveCountAsync(0);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Devices" })).ToHaveCountAsync(0);
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Monitoring" })).ToBeVisibleAsync();

        await page.GotoAsync("/users");
        await Expect(page.GetByText("Your roles do not give access to this page.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add user" })).ToHaveCountAsync(0);
        await page.GotoAsync("/leases");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Leases" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New application" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

static class Users
{
    /// <summary>A new staff user with one role, created by the demo administrator; answers their email address.</summary>
    public static async Task<string> CreateAsync(PortalRun run, string role)
    {
        using var admin = await run.ApiAsync(PortalRun.AdminEmail);
        var email = $"{role}.{Guid.NewGuid():N}@example.test";
        await admin.PostAsync("/api/users", new { email, displayName = $"Portal {role}", password = PortalRun.Password, roles = new[] { role } },
            HttpStatusCode.Created);
        return email;
    }
}
