namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>Commands as the sagas send them: every value any template needs, and a key per lease and email.</summary>
public static class TestEmails
{
    public static readonly IReadOnlyDictionary<string, string> AllValues = new Dictionary<string, string>
    {
        ["SigningUrl"] = "https://sign.example.com/envelopes/8f2c?token=a1&lang=en",
        ["OfferExpiresOn"] = "8 January 2027",
        ["LeaseStart"] = "1 February 2027",
        ["AmountDue"] = "USD 3,700.00",
        ["DueOn"] = "25 January 2027",
        ["PaymentUrl"] = "https://pay.example.com/move-in/8f2c",
        ["Amount"] = "USD 3,700.00",
        ["Reason"] = "The card was declined.",
        ["AccessInstructions"] = "Your smart-lock code arrives by text message on move-in day.",
        ["Period"] = "2027-03",
        ["NextAttempt"] = "We will try again on 4 March 2027.",
        ["NsfFee"] = "USD 35.00",
    };

    public static SendTenantEmail Command(TenantEmail email, Guid? leaseId = null, IReadOnlyDictionary<string, string>? values = null,
        string recipientName = "Ada Lovelace", string recipientEmail = "ada@example.com")
    {
        var lease = leaseId ?? Guid.NewGuid();
        return new SendTenantEmail
        {
            LeaseId = lease,
            Email = email,
            RecipientEmail = recipientEmail,
            RecipientName = recipientName,
            DeduplicationKey = $"lease-{lease:N}-{email}",
            Values = values ?? AllValues,
        };
    }

    public static Dictionary<string, string> Without(string name) => AllValues.Where(v => v.Key != name).ToDictionary();
}
