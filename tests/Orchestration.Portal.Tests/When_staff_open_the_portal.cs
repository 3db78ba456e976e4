namespace Orchestration.Portal.Tests;

/// <summary>
/// The standalone host serves the portal at its root: a visitor who is not signed in gets the sign-in page, a wrong
/// password is refused on it, and staff who sign in land on the dashboard with its charts.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_staff_open_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_show_the_sign_in_page_at_the_root_address()
    {
        var page = await run.NewPageAsync();
        var response = await page.GotoAsync("/");

        response!.Status.ShouldBe(200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        page.Url.ShouldStartWith(new Uri(run.Address, "signin").ToString());
        await Expect(page.GetByLabel("Email")).ToBeEditableAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_refuse_a_wrong_password_with_the_reason()
    {
        var page = await run.NewPageAsync();
        await page.GotoAsync("/signin");
        await Expect(page.GetByLabel("Email")).ToBeFocusedAsync();
        await page.GetByLabel("Email").FillAsync(PortalRun.ManagerEmail);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByLabel("Password").PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("401");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_sign_in_to_the_dashboard_and_sign_out_again()
    {
        var page = await run.SignInAsync(PortalRun.ManagerEmail);

        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(PortalRun.ManagerEmail);
        await Expect(page.GetByTestId("occupancy").Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tile-Units")).Not.ToHaveTextAsync("0");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/leases");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
