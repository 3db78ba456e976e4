namespace Orchestration.Messages.Notifications;

/// <summary>The emails tenants receive; each has a template in the Notifications endpoint.</summary>
public enum TenantEmail
{
    SigningLink,
    SignatureReminder,
    LeaseCountersigned,
    MoveInFundsReceived,
    MoveInPaymentFailed,
    Welcome,
    LeaseCancelled,

    /// <summary>A month's rent: amount, due date and a link to pay it (tenants without autopay).</summary>
    RentInvoice,

    /// <summary>Autopay failed: the reason and when it is tried again.</summary>
    RentPaymentFailed,

    RentReceipt,
    RentLateFee,

    /// <summary>The bank returned a rent payment: the reason and the returned-payment (NSF) fee.</summary>
    RentPaymentReturned,

    AutopayTurnedOff,
}

/// <summary>
/// Asks Notifications to email a tenant. <see cref="DeduplicationKey"/> names the business fact the email is about
/// (for example "lease-…-reminder-2"), so the same email is never sent twice however often the command arrives.
/// </summary>
public sealed record SendTenantEmail
{
    public required Guid LeaseId { get; init; }
    public required TenantEmail Email { get; init; }
    public required string RecipientEmail { get; init; }
    public required string RecipientName { get; init; }
    public required string DeduplicationKey { get; init; }

    /// <summary>Values the template fills in (signing URL, amounts, move-in date, access instructions).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
}
