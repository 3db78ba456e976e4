using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Notifications.Templates;

/// <summary>
/// The emails of maintenance dispatch: a page to the staff on call (one email per configured address, each deduplicated
/// on its own, so an address added later is paged on a redelivery and an address already paged is not paged again), and
/// the tenant's feedback request once the work is done. Both are kept under the work order's id.
/// </summary>
public static class MaintenanceEmails
{
    public const string StaffPage = "MaintenanceStaffPage";
    public const string FeedbackRequest = "WorkOrderFeedbackRequest";

    static readonly HtmlEncoder HtmlEncoding = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>One email per staff address; <see cref="ValidationException"/> when no address is configured, since no retry can add one.</summary>
    public static IReadOnlyList<OutgoingEmail> Render(PageMaintenanceStaff command, IReadOnlyList<MailAddress> staff, MailAddress from)
    {
        RequireKey(command.DeduplicationKey, command.WorkOrderId);
        if (staff.Count == 0)
        {
            throw new ValidationException(
                $"Work order {command.WorkOrderId} needs staff, but {NotificationsOptions.Section}:Maintenance:StaffEmails names no address to page.");
        }

        var reason = OneLine(command.Reason);
        var subject = $"{command.Priority} work order needs you: {reason}";
        var text = $"""
            A {command.Priority.ToString().ToLowerInvariant()} work order needs a person: {reason}

            Work order: {command.WorkOrderId}
            Property: {command.PropertyId}

            Reassign it to a vendor or cancel it.
            """;
        var html = $"""
            <p>A <strong>{command.Priority.ToString().ToLowerInvariant()}</strong> work order needs a person: {HtmlEncoding.Encode(reason)}</p>
            <p>Work order: {command.WorkOrderId}<br>Property: {command.PropertyId}</p>
            <p>Reassign it to a vendor or cancel it.</p>
            """;

        return staff
            .DistinctBy(address => address.Address, StringComparer.OrdinalIgnoreCase)
            .Select(address => Email(command.WorkOrderId, StaffPage, $"{command.DeduplicationKey}:{address.Address.ToLowerInvariant()}", from, address,
                subject, text, html, "You receive this email because you are on the maintenance staff's paging list."))
            .ToList();
    }

    /// <summary>The tenant's feedback request; a malformed address throws <see cref="ValidationException"/>.</summary>
    public static OutgoingEmail Render(RequestWorkOrderFeedback command, MailAddress from)
    {
        RequireKey(command.DeduplicationKey, command.WorkOrderId);
        var name = OneLine(command.RecipientName);
        if (!MailAddress.TryCreate(command.RecipientEmail, name, out var to))
            throw new ValidationException($"The recipient address of the feedback request for work order {command.WorkOrderId} is not a valid email address.");

        var greeting = name.Length == 0 ? "Hello" : $"Hello {name}";
        return Email(command.WorkOrderId, FeedbackRequest, command.DeduplicationKey, from, to,
            "How did the repair visit go?",
            $"""
            {greeting},

            The work you asked for is done. How did the visit go? Just reply to this email: your answer goes to the team that
            sent the vendor.

            Reference: work order {command.WorkOrderId}
            """,
            $"""
            <p>{HtmlEncoding.Encode(greeting)},</p>
            <p>The work you asked for is done. How did the visit go? Just reply to this email: your answer goes to the team that
            sent the vendor.</p>
            <p style="color: #777;">Reference: work order {command.WorkOrderId}</p>
            """,
            "You receive this email because you asked for maintenance at your home.");
    }

    static OutgoingEmail Email(Guid workOrderId, string email, string deduplicationKey, MailAddress from, MailAddress to,
        string subject, string text, string html, string footer) => new()
    {
        LeaseId = workOrderId,
        Email = email,
        DeduplicationKey = deduplicationKey,
        MessageId = TenantEmailRenderer.MessageIdFor(deduplicationKey, from),
        From = from,
        To = to,
        Subject = subject,
        Text = text,
        Html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncoding.Encode(subject)}</title></head>
            <body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">
            {html}
            <p style="color: #777; font-size: 12px;">{footer}</p>
            </body>
            </html>
            """,
    };

    static void RequireKey(string deduplicationKey, Guid workOrderId)
    {
        if (string.IsNullOrWhiteSpace(deduplicationKey))
            throw new ValidationException($"The email about work order {workOrderId} has no deduplication key.");
    }

    static string OneLine(string value) =>
        string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
