using System.ComponentModel.DataAnnotations;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Notifications.Tests.Maintenance;

public sealed class When_no_maintenance_staff_address_is_configured : IAsyncLifetime
{
    NotificationsHost _host = null!;

    public async Task InitializeAsync() => _host = await NotificationsHost.StartAsync(new Dictionary<string, string?>
    {
        ["Recoverability:ImmediateRetries"] = "0",
        ["Recoverability:DelayedRetries"] = "",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_set_the_page_aside_naming_the_missing_setting_and_send_nothing()
    {
        var workOrderId = Guid.NewGuid();

        var failure = await _host.SendAsync(new PageMaintenanceStaff
        {
            WorkOrderId = workOrderId,
            PropertyId = Guid.NewGuid(),
            Priority = WorkOrderPriority.Routine,
            Reason = "Invoice above the spending limit",
            DeduplicationKey = $"work-order-{workOrderId:N}-invoice-approval",
        });

        failure.ShouldBeOfType<ValidationException>().Message.ShouldContain("Notifications:Maintenance:StaffEmails");
        (await _host.EmailsAsync(workOrderId)).ShouldBeEmpty();
    }
}
