using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Notifications.Maintenance;

/// <summary>
/// Pages the maintenance staff (<c>Notifications:Maintenance:StaffEmails</c>) about a work order that needs a person:
/// one email per address, each sent once for the occasion the command's deduplication key names.
/// </summary>
public sealed class PageMaintenanceStaffConsumer(EmailDelivery delivery, IOptions<NotificationsOptions> options) : IConsumer<PageMaintenanceStaff>
{
    public async Task Consume(ConsumeContext<PageMaintenanceStaff> context)
    {
        // Before any I/O: no address, or a bad key, fails the same way on every attempt.
        var settings = options.Value;
        var emails = MaintenanceEmails.Render(context.Message, settings.Maintenance.Staff(), settings.Sender());
        await delivery.SendOnceAsync(emails, context.MessageId, context.CancellationToken);
    }
}
