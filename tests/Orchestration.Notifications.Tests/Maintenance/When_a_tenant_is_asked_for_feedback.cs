using System.ComponentModel.DataAnnotations;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Notifications.Tests.Maintenance;

/// <summary>The feedback request after a completed work order, through the endpoint and the SendGrid simulator.</summary>
public sealed class When_a_tenant_is_asked_for_feedback(MaintenanceMailFixture fixture) : IClassFixture<MaintenanceMailFixture>
{
    static RequestWorkOrderFeedback Request(Guid workOrderId, string email = "grace@example.com") => new()
    {
        WorkOrderId = workOrderId,
        RecipientName = "Grace <Hopper>",
        RecipientEmail = email,
        DeduplicationKey = $"work-order-{workOrderId:N}-feedback",
    };

    [Fact]
    public async Task Should_email_the_tenant_once_for_copies_of_the_request()
    {
        var request = Request(Guid.NewGuid());

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.Host.SendAsync(request)));

        results.ShouldAllBe(failure => failure == null);
        var email = (await fixture.AcceptedAsync(request.DeduplicationKey)).ShouldHaveSingleItem();
        email.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["grace@example.com"]);
        email.GetProperty("subject").GetString().ShouldBe("How did the repair visit go?");
        var html = email.GetProperty("request").GetProperty("content")[1].GetProperty("value").GetString()!;
        html.ShouldContain("Hello Grace &lt;Hopper&gt;");
        html.ShouldContain(request.WorkOrderId.ToString());
    }

    [Fact]
    public async Task Should_set_a_request_with_a_malformed_address_aside_and_send_nothing()
    {
        var request = Request(Guid.NewGuid(), "grace.example.com");

        var failure = await fixture.Host.SendAsync(request);

        failure.ShouldBeOfType<ValidationException>().Message.ShouldContain(request.WorkOrderId.ToString());
        (await fixture.AcceptedAsync(request.DeduplicationKey)).ShouldBeEmpty();
    }
}
