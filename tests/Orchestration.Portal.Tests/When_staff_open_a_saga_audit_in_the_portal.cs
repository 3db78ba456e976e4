namespace Orchestration.Portal.Tests;

/// <summary>
/// A lease applied for through the API runs its signing saga; the saga audit page of that instance lists the messages the
/// saga handled in the order the audit recorded them, and links to the conversation they belong to.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_staff_open_a_saga_audit_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_list_the_lease_signing_sagas_messages_in_order()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var leaseId = await manager.ApplyAsync();
        var trail = $"/api/operations/sagas/LeaseSigningState/{leaseId}";
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return (await manager.GetAsync(trail)).GetProperty("steps").GetProperty("total").GetInt64() >= 2;
            }
            catch (HttpRequestException unknown) when (unknown.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the saga's first steps are audited");

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GotoAsync($"/operations/sagas/LeaseSigningState/{leaseId}");
        var messages = page.GetByTestId("saga-steps").GetByTestId("saga-step-message");
        await Expect(messages.First).ToHaveTextAsync("Orchestration.Messages.Leasing.SubmitLeaseApplication");
        var shown = await messages.AllInnerTextsAsync();
        shown.Count.ShouldBeGreaterThanOrEqualTo(2);
        var audited = (await manager.GetAsync($"{trail}?limit=100")).GetProperty("steps").GetProperty("items").EnumerateArray()
            .Select(s => s.GetProperty("messageType").GetString()).ToList();
        shown.ShouldBe(audited.Take(shown.Count), "the page lists the audited messages in their order");

        await page.Locator("a[href^='/operations/conversations/']").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Conversation" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conversation-steps")).ToContainTextAsync("SubmitLeaseApplication");
        await page.Context.CloseAsync();
    }
}
