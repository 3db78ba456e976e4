using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Notifications;
using Orchestration.Sagas.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// Turns the rent-collection saga's notice into the tenant's email (<see cref="SendTenantEmail"/>, sent by Notifications)
/// under the notice's own deduplication key, so a repeated notice is one email. An invoice carries a link to the
/// gateway's hosted page for an intent opened for the charge, keyed by the notice, so a repeat opens no second one.
/// </summary>
public sealed class SendRentNoticeConsumer(SqlSession session, RentStore rent, PaymentGatewayClient gateway, IOptions<BillingOptions> billing,
    RentCollectionOptions collection, ILogger<SendRentNoticeConsumer> logger) : IConsumer<SendRentNotice>
{
    public async Task Consume(ConsumeContext<SendRentNotice> context)
    {
        var notice = context.Message;
        var details = await session.ReadStepAsync(ct => rent.NoticeDetailsAsync(session, notice.ChargeId, ct), context.CancellationToken)
            ?? throw new RentNoticeUndeliverableException($"Charge {notice.ChargeId} was never posted.");
        if (details is not { TenantName: { Length: > 0 } name, TenantEmail: { Length: > 0 } email })
            throw new RentNoticeUndeliverableException($"Lease {notice.LeaseId} has no tenant name and email on record.");

        var values = new Dictionary<string, string>
        {
            ["Amount"] = Display(notice.Amount),
            ["Period"] = details.Period,
            ["DueOn"] = details.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        var kind = notice.Notice switch
        {
            RentNotice.Invoice => TenantEmail.RentInvoice,
            RentNotice.PaymentFailed => TenantEmail.RentPaymentFailed,
            RentNotice.Receipt => TenantEmail.RentReceipt,
            RentNotice.LateFee => TenantEmail.RentLateFee,
            RentNotice.PaymentReturned => TenantEmail.RentPaymentReturned,
            RentNotice.AutopayTurnedOff => TenantEmail.AutopayTurnedOff,
            _ => throw new RentNoticeUndeliverableException($"Notice {notice.Notice} has no email."),
        };
        switch (kind)
        {
            case TenantEmail.RentInvoice:
                values["PaymentUrl"] = await PaymentPageAsync(notice, context.CancellationToken);
                break;
            case TenantEmail.RentPaymentFailed:
                values["Reason"] = notice.Reason ?? "The payment was declined.";
                values["NextAttempt"] = notice.NextAttemptAt is { } next
                    ? $"We will try again on {next.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}."
                    : "We will not try again automatically; an invoice with a link to pay follows.";
                break;
            case TenantEmail.RentPaymentReturned:
                values["Reason"] = notice.Reason ?? "The bank returned the payment.";
                values["NsfFee"] = Display(new Money(collection.ReturnedPaymentFee, notice.Amount.Currency));
                break;
            case TenantEmail.AutopayTurnedOff:
                values["Reason"] = notice.Reason ?? "repeated returned payments";
                break;
        }

        logger.LogInformation("Rent notice {Notice} for charge {ChargeId} goes out as email {Email}", notice.Notice, notice.ChargeId, kind);
        await context.Send(new SendTenantEmail
        {
            LeaseId = notice.LeaseId,
            Email = kind,
            RecipientName = name,
            RecipientEmail = email,
            DeduplicationKey = notice.DeduplicationKey,
            Values = values,
        }, context.CancellationToken);
    }

    async Task<string> PaymentPageAsync(SendRentNotice notice, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = notice.LeaseId.ToString(),
            [RequestRentPaymentConsumer.RentChargeMetadata] = notice.ChargeId.ToString(),
        };
        var intent = await gateway.OpenAsync(LedgerAmounts.ToMinor(notice.Amount), notice.Amount.Currency, metadata, notice.DeduplicationKey,
            cancellationToken);
        return intent.ClientSecret is { } secret
            ? billing.Value.Payments.PaymentPageFor(secret)
            : throw new PaymentGatewayUnavailableException($"Payment intent {intent.Id} came back without its client secret.", null);
    }

    static string Display(Money money) => $"{money.Amount.ToString("N2", CultureInfo.InvariantCulture)} {money.Currency}";
}

/// <summary>A rent notice that can never become an email (no such charge, no tenant contact on record); no retry can help.</summary>
public sealed class RentNoticeUndeliverableException(string message) : Exception(message);
