using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications.Templates;

/// <summary>The emails of rent collection, one per notice the rent-collection saga gives (Billing fills the values).</summary>
static class RentEmailTemplates
{
    public static readonly IReadOnlyDictionary<TenantEmail, TenantEmailTemplate> All = new Dictionary<TenantEmail, TenantEmailTemplate>
    {
        [TenantEmail.RentInvoice] = new(
            "Your rent for {{Period}}: {{Amount}} due {{DueOn}}",
            """
            Hello {{RecipientName}},

            Your rent for {{Period}}, {{Amount}}, is due on {{DueOn}}. You can pay it here:
            {{PaymentUrl}}
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>Your rent for {{Period}}, <strong>{{Amount}}</strong>, is due on {{DueOn}}.</p>
            <p><a href="{{PaymentUrl}}">Pay your rent</a></p>
            """),
        [TenantEmail.RentPaymentFailed] = new(
            "Your rent payment did not go through",
            """
            Hello {{RecipientName}},

            Your automatic rent payment of {{Amount}} for {{Period}} did not go through: {{Reason}}

            {{NextAttempt}}
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>Your automatic rent payment of <strong>{{Amount}}</strong> for {{Period}} did not go through: {{Reason}}</p>
            <p>{{NextAttempt}}</p>
            """),
        [TenantEmail.RentReceipt] = new(
            "Receipt: we received {{Amount}} for your rent",
            """
            Hello {{RecipientName}},

            We received your payment of {{Amount}} for your rent for {{Period}}. Thank you!
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>We received your payment of <strong>{{Amount}}</strong> for your rent for {{Period}}. Thank you!</p>
            """),
        [TenantEmail.RentLateFee] = new(
            "Your rent for {{Period}} is late",
            """
            Hello {{RecipientName}},

            Your rent for {{Period}} was due on {{DueOn}} and {{Amount}} is still open. Late fees apply from today as your
            lease sets them out. Please pay as soon as you can.
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>Your rent for {{Period}} was due on {{DueOn}} and <strong>{{Amount}}</strong> is still open. Late fees apply from today as
            your lease sets them out. Please pay as soon as you can.</p>
            """),
        [TenantEmail.RentPaymentReturned] = new(
            "Your bank returned your rent payment",
            """
            Hello {{RecipientName}},

            Your bank returned your rent payment for {{Period}}: {{Reason}}

            The payment has been reversed and a returned-payment fee of {{NsfFee}} charged. {{Amount}} of your rent is open again.
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>Your bank returned your rent payment for {{Period}}: {{Reason}}</p>
            <p>The payment has been reversed and a returned-payment fee of <strong>{{NsfFee}}</strong> charged. <strong>{{Amount}}</strong> of
            your rent is open again.</p>
            """),
        [TenantEmail.AutopayTurnedOff] = new(
            "Automatic rent payments are turned off",
            """
            Hello {{RecipientName}},

            After repeated returned payments, automatic rent payments are turned off for your lease: {{Reason}}

            From now on we can accept certified funds only. Your rent for {{Period}}, {{Amount}} open, is due on {{DueOn}}.
            """,
            """
            <p>Hello {{RecipientName}},</p>
            <p>After repeated returned payments, automatic rent payments are turned off for your lease: {{Reason}}</p>
            <p>From now on we can accept certified funds only. Your rent for {{Period}}, <strong>{{Amount}}</strong> open, is due on {{DueOn}}.</p>
            """),
    };
}
