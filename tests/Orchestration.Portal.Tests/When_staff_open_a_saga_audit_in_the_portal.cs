namespace Orchestration.Portal.Tests;

/// <summary>
/// A lease applied for through the API runs its signing saga; the saga audit page of that instance lists the messages the
/// saga handled in the order the audit recorded them, and links to the page of the conversation they belong to.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_staff_open_a_saga_audit_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_list_the_lease_signing_sagas_messages_in_order_and_link_their_conversation()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var leaseId = await manager.ApplyAsync();
        var trail = $"/api/operations/sagas/LeaseSigningState/{leaseId}";
        await Eventually.HoldsAsync(async () => (await StepsAsync(manager, trail)).Count >= 2, TimeSpan.FromSeconds(30), "the saga's first steps are audited");

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GotoAsync($"/operations/sagas/LeaseSigningState/{leaseId}");
        var messages = page.GetByTestId("saga-steps").GetByTestId("saga-step-message");
        await Expect(messages.First).ToHaveTextAsync("Orchestration.Messages.Leasing.SubmitLeaseApplication");
        var shown = await messages.AllInnerTextsAsync();
        shown.Count.ShouldBeGreaterThanOrEqualTo(2);
        var steps = await StepsAsync(manager, trail);
        shown.ShouldBe(steps.Select(s => s.GetProperty("messageType").GetString()).Take(shown.Count), "the page lists the audited messages in their order");

        var conversation = steps[0].GetProperty("conversationId").GetString()!;
        await page.GetByRole(AriaRole.Link, new() { Name = conversation }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Conversation" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conversation-steps")).ToContainTextAsync("SubmitLeaseApplication");
        await page.Context.CloseAsync();
    }

    /// <summary>The saga's audited steps in order; none while the audit has not reached the Gateway yet.</summary>
    static async Task<List<JsonElement>> StepsAsync(StaffApi api, string trail)
    {
        try
        {
            return [.. (await api.GetAsync($"{trail}?limit=100")).GetProperty("steps").GetProperty("items").EnumerateArray()];
        }
        catch (HttpRequestException unknown) when (unknown.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
    }
}
