using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications.Templates;

/// <summary>One email: a subject, a plain-text body and the HTML body inside the shared layout.</summary>
public sealed record TenantEmailTemplate(string Subject, string Text, string Html);

/// <summary>
/// Every tenant email, in one place. <c>{{Name}}</c> is filled from <see cref="SendTenantEmail.Values"/> (names match
/// without regard to case) or, for <c>{{RecipientName}}</c>, from the command itself; every placeholder is required.
/// A placeholder whose name ends in <c>Url</c> takes an absolute http(s) link.
/// </summary>
public static class TenantEmailTemplates
{
    public static TenantEmailTemplate For(TenantEmail email) =>
        All.TryGetValue(email, out var template) ? template : throw new NotSupportedException($"There is no template for tenant email '{email}'.");

    /// <summary>Wraps an HTML body; <c>{{Body}}</c> is the template's HTML, already filled in.</summary>
    public const string Layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{Subject}}</title></head>
        <body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">
        {{Body}}
        <p style="color: #777; font-size: 12px;">You receive this email because you applied for a lease with us.</p>
        </body>
        </html>
        """;

    static readonly TenantEmailTemplate SigningLink = new(
        "Your lease is ready to sign",
        """
        Hello {{RecipientName}},

        Your lease is ready. Please review and sign it here:
        {{SigningUrl}}

        The offer stands until {{OfferExpiresOn}}.
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Your lease is ready. Please review and sign it:</p>
        <p><a href="{{SigningUrl}}">Review and sign your lease</a></p>
        <p>The offer stands until {{OfferExpiresOn}}.</p>
        """);

    static readonly TenantEmailTemplate SignatureReminder = new(
        "Reminder: your lease is waiting for your signature",
        """
        Hello {{RecipientName}},

        Your lease is still waiting for your signature. You can sign it here:
        {{SigningUrl}}

        The offer expires on {{OfferExpiresOn}}; after that the unit goes back on the market.
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Your lease is still waiting for your signature.</p>
        <p><a href="{{SigningUrl}}">Sign your lease</a></p>
        <p>The offer expires on {{OfferExpiresOn}}; after that the unit goes back on the market.</p>
        """);

    static readonly TenantEmailTemplate LeaseCountersigned = new(
        "Your lease is signed by both parties",
        """
        Hello {{RecipientName}},

        Your lease has been countersigned and starts on {{LeaseStart}}.

        We are now charging the security deposit and the first month's rent, {{AmountDue}} in all, to your payment
        method on file. We will email you when it has gone through, or with a secure link to pay again if it is declined.
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Your lease has been countersigned and starts on {{LeaseStart}}.</p>
        <p>We are now charging the security deposit and the first month's rent, <strong>{{AmountDue}}</strong> in all, to your payment
        method on file. We will email you when it has gone through, or with a secure link to pay again if it is declined.</p>
        """);

    static readonly TenantEmailTemplate MoveInFundsReceived = new(
        "We received your move-in payment",
        """
        Hello {{RecipientName}},

        We received your payment of {{Amount}}. Thank you!

        Your lease starts on {{LeaseStart}}; your access details follow before move-in day.
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>We received your payment of <strong>{{Amount}}</strong>. Thank you!</p>
        <p>Your lease starts on {{LeaseStart}}; your access details follow before move-in day.</p>
        """);

    static readonly TenantEmailTemplate MoveInPaymentFailed = new(
        "Your move-in payment did not go through",
        """
        Hello {{RecipientName}},

        Your payment of {{AmountDue}} did not go through: {{Reason}}

        Your lease is still reserved for you. Please try again here:
        {{PaymentUrl}}
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Your payment of <strong>{{AmountDue}}</strong> did not go through: {{Reason}}</p>
        <p>Your lease is still reserved for you.</p>
        <p><a href="{{PaymentUrl}}">Try the payment again</a></p>
        """);

    static readonly TenantEmailTemplate Welcome = new(
        "Welcome home, {{RecipientName}}",
        """
        Hello {{RecipientName}},

        Welcome to your new home! Your lease starts on {{LeaseStart}}.

        How to get in:
        {{AccessInstructions}}
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Welcome to your new home! Your lease starts on {{LeaseStart}}.</p>
        <p><strong>How to get in:</strong></p>
        <p style="white-space: pre-line;">{{AccessInstructions}}</p>
        """);

    static readonly TenantEmailTemplate LeaseCancelled = new(
        "Your lease has been cancelled",
        """
        Hello {{RecipientName}},

        Your lease has been cancelled: {{Reason}}

        Any payment you made for it will be refunded to the card you paid with.
        """,
        """
        <p>Hello {{RecipientName}},</p>
        <p>Your lease has been cancelled: {{Reason}}</p>
        <p>Any payment you made for it will be refunded to the card you paid with.</p>
        """);

    // The lease's emails here, the rent's in RentEmailTemplates: one table, each email once. Last, since it reads the fields above.
    static readonly Dictionary<TenantEmail, TenantEmailTemplate> All = new Dictionary<TenantEmail, TenantEmailTemplate>
    {
        [TenantEmail.SigningLink] = SigningLink,
        [TenantEmail.SignatureReminder] = SignatureReminder,
        [TenantEmail.LeaseCountersigned] = LeaseCountersigned,
        [TenantEmail.MoveInFundsReceived] = MoveInFundsReceived,
        [TenantEmail.MoveInPaymentFailed] = MoveInPaymentFailed,
        [TenantEmail.Welcome] = Welcome,
        [TenantEmail.LeaseCancelled] = LeaseCancelled,
    }.Concat(RentEmailTemplates.All).ToDictionary();
}
