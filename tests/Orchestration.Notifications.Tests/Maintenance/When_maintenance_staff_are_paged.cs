using Orchestration.Messages.Maintenance;

namespace Orchestration.Notifications.Tests.Maintenance;

/// <summary>The maintenance saga's page, through the endpoint and the SendGrid simulator.</summary>
public sealed class When_maintenance_staff_are_paged(MaintenanceMailFixture fixture) : IClassFixture<MaintenanceMailFixture>
{
    static PageMaintenanceStaff Page(Guid workOrderId, string occasion = "escalated-1") => new()
    {
        WorkOrderId = workOrderId,
        PropertyId = Guid.NewGuid(),
        Priority = WorkOrderPriority.Emergency,
        Reason = "3 vendor(s) tried,\nnone took the job",
        DeduplicationKey = $"work-order-{workOrderId:N}-{occasion}",
    };

    [Fact]
    public async Task Should_email_each_staff_address_once_however_often_the_page_arrives()
    {
        var page = Page(Guid.NewGuid());
        var firstId = Guid.NewGuid();

        (await fixture.Host.SendAsync(page, firstId)).ShouldBeNull();
        (await fixture.Host.SendAsync(page, Guid.NewGuid())).ShouldBeNull();
        (await fixture.Host.SendAsync(page, firstId)).ShouldBeNull();

        var accepted = await fixture.AcceptedAsync(page.DeduplicationKey);
        accepted.SelectMany(m => m.GetProperty("recipients").EnumerateArray().Select(r => r.GetString())).Order()
            .ShouldBe(["desk@maintenance.example.com", "on-call@maintenance.example.com"]);
        var subject = accepted[0].GetProperty("subject").GetString()!;
        subject.ShouldBe("Emergency work order needs you: 3 vendor(s) tried, none took the job");
        accepted[0].GetProperty("request").GetRawText().ShouldContain(page.WorkOrderId.ToString());
    }

    [Fact]
    public async Task Should_page_again_for_another_occasion_of_the_same_work_order()
    {
        var workOrderId = Guid.NewGuid();

        (await fixture.Host.SendAsync(Page(workOrderId, "escalated-1"))).ShouldBeNull();
        (await fixture.Host.SendAsync(Page(workOrderId, "invoice-approval"))).ShouldBeNull();

        (await fixture.AcceptedAsync($"work-order-{workOrderId:N}-")).Count.ShouldBe(4);
    }

    [Fact]
    public async Task Should_set_a_page_without_a_deduplication_key_aside()
    {
        var page = Page(Guid.NewGuid()) with { DeduplicationKey = " " };

        var failure = await fixture.Host.SendAsync(page);

        failure.ShouldBeOfType<System.ComponentModel.DataAnnotations.ValidationException>().Message.ShouldContain("deduplication key");
    }
}
