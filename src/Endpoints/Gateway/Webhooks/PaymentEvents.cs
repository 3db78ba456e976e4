using System.Text;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Stripe's events, verified and parsed by Stripe.net (<see cref="Stripe.EventUtility"/>) into its own models. A payment
/// intent's outcome becomes a provider fact for Billing (<see cref="PaymentIntentSucceeded"/>, <see cref="PaymentIntentFailed"/>,
/// <see cref="PaymentIntentProcessing"/>), and so do refunds (<see cref="PaymentChargeRefunded"/>) and disputes
/// (<see cref="PaymentDisputeReported"/>): Billing alone knows which intents it created, for which lease or rent charge
/// and for how much. An intent without our metadata is
/// passed on all the same: Billing records it as unmatched, and Stripe gets its 200 rather than retrying for days.
/// </summary>
public static class PaymentEvents
{
    // Stripe's currencies whose minor unit is not a hundredth.
    static readonly HashSet<string> ZeroDecimal = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
    static readonly HashSet<string> ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    // Stripe caps a metadata value at 500 characters; anything longer did not come from an intent we created.
    const int MaxMetadataValue = 500;

    // Far more than two clocks disagree by, far less than the years a misread timestamp lands in.
    static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    // Stripe signs the UTF-8 bytes it sends; bytes that are not UTF-8 cannot be what it signed.
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Stripe.net's check of the <c>Stripe-Signature</c> header (<c>t=</c>, one or more <c>v1=</c>) against the raw body,
    /// within <paramref name="tolerance"/> of <paramref name="now"/>. A signature that holds only without the tolerance is
    /// told apart as stale, so a replay is reported as such.
    /// </summary>
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret))
            return SignatureCheck.NotConfigured;
        if (string.IsNullOrWhiteSpace(header))
            return SignatureCheck.Missing;

        string json;
        try
        {
            json = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return SignatureCheck.Mismatch;
        }

        var utcNow = now.ToUnixTimeSeconds();
        if (Signed(json, header, secret, (long)tolerance.TotalSeconds, utcNow))
            return SignatureCheck.Valid;
        return Signed(json, header, secret, long.MaxValue, utcNow) ? SignatureCheck.OutsideTolerance : SignatureCheck.Mismatch;
    }

    static bool Signed(string json, string header, string secret, long tolerance, long utcNow)
    {
        try
        {
            Stripe.EventUtility.ValidateSignature(json, header, secret, tolerance, utcNow);
            return true;
        }
        catch (Exception refused) when (refused is Stripe.StripeException or FormatException or OverflowException)
        {
            // A malformed header, no v1 that matches, or a signed timestamp that is no time at all.
            return false;
        }
    }

    /// <summary>
    /// The event as Stripe.net reads it. Its API version may differ from the one Stripe.net pins: the fields read here
    /// (ids, type, created, amounts, currency, metadata, the last payment error, a dispute's status) are the same in every
    /// version, and refusing such an event would only make Stripe retry it for days.
    /// </summary>
    public static WebhookEvent Read(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var stripeEvent = Stripe.EventUtility.ParseEvent(StrictUtf8.GetString(body), throwOnApiVersionMismatch: false);
        var eventId = Required(stripeEvent.Id, "id");
        var type = Required(stripeEvent.Type, "type");
        switch (type)
        {
            case "payment_intent.succeeded" or "payment_intent.payment_failed" or "payment_intent.processing":
                return new WebhookEvent(eventId, type,
                    IntentEvent(eventId, type, Object<Stripe.PaymentIntent>(stripeEvent, "payment_intent"), OccurredAt(stripeEvent, now)));
            case "charge.refunded":
                var charge = Object<Stripe.Charge>(stripeEvent, "charge");
                return charge.PaymentIntentId is { Length: > 0 }
                    ? new WebhookEvent(eventId, type, Refunded(eventId, type, charge, OccurredAt(stripeEvent, now)))
                    : WithoutIntent(eventId, type, charge.Id, OccurredAt(stripeEvent, now), now);
            case "charge.dispute.created" or "charge.dispute.closed":
                var dispute = Object<Stripe.Dispute>(stripeEvent, "dispute");
                return dispute.PaymentIntentId is { Length: > 0 }
                    ? new WebhookEvent(eventId, type, Disputed(eventId, type, dispute, OccurredAt(stripeEvent, now)))
                    : WithoutIntent(eventId, type, dispute.Id, OccurredAt(stripeEvent, now), now);
            default:
                return new WebhookEvent(eventId, type, null);
        }
    }

    // A refund or dispute of a charge no payment intent made (Stripe's older Charges API): nothing the platform asked for,
    // so it is kept and reported for reconciliation, not refused (Stripe would retry it for days).
    static WebhookEvent WithoutIntent(string eventId, string type, string? objectId, DateTimeOffset occurredAt, DateTimeOffset now) =>
        WebhookJson.Unmatched(DiscrepancyProviders.Payments, eventId, type, null, "data.object.payment_intent",
            objectId is null ? null : WebhookJson.CheckIdentifier(objectId, "data.object.id"), occurredAt, now);

    static T Object<T>(Stripe.Event stripeEvent, string kind)
        where T : class =>
        stripeEvent.Data?.Object as T ?? throw new InvalidWebhookException($"'data.object' must be a {kind}.");

    // Stripe.net reads an implausibly large 'created' as milliseconds; an event is never created long after its delivery.
    static DateTimeOffset OccurredAt(Stripe.Event stripeEvent, DateTimeOffset now) =>
        stripeEvent.Created is { Year: > 1970 } created && new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) is var at
            && at <= now + MaxClockSkew
            ? at
            : throw new InvalidWebhookException("'created' must be a time in Unix seconds, not after the delivery.");

    static object IntentEvent(string eventId, string type, Stripe.PaymentIntent intent, DateTimeOffset occurredAt)
    {
        var paymentId = WebhookJson.CheckIdentifier(Required(intent.Id, "data.object.id"), "data.object.id");
        var leaseId = GuidIn(intent.Metadata, "lease_id");
        var rentCharge = GuidIn(intent.Metadata, "rent_charge");
        var moveInRequest = Readable(intent.Metadata?.GetValueOrDefault("move_in_request"));
        return type switch
        {
            "payment_intent.payment_failed" => new PaymentIntentFailed
            {
                ProviderEventId = eventId,
                EventType = type,
                PaymentIntentId = paymentId,
                Amount = Amount(intent.Currency, intent.Amount, "amount"),
                LeaseId = leaseId,
                MoveInRequest = moveInRequest,
                RentCharge = rentCharge,
                Reason = Readable(intent.LastPaymentError?.Message) ?? Readable(intent.LastPaymentError?.Code) ?? "The payment failed.",
                OccurredAt = occurredAt,
            },
            "payment_intent.processing" => new PaymentIntentProcessing
            {
                ProviderEventId = eventId,
                EventType = type,
                PaymentIntentId = paymentId,
                Amount = Amount(intent.Currency, intent.Amount, "amount"),
                LeaseId = leaseId,
                RentCharge = rentCharge,
                OccurredAt = occurredAt,
            },
            _ => new PaymentIntentSucceeded
            {
                ProviderEventId = eventId,
                EventType = type,
                PaymentIntentId = paymentId,
                Amount = Amount(intent.Currency, intent.AmountReceived, "amount_received"),
                LeaseId = leaseId,
                MoveInRequest = moveInRequest,
                RentCharge = rentCharge,
                OccurredAt = occurredAt,
            },
        };
    }

    // A charge carries the metadata of the intent that made it.
    static PaymentChargeRefunded Refunded(string eventId, string type, Stripe.Charge charge, DateTimeOffset occurredAt) => new()
    {
        ProviderEventId = eventId,
        EventType = type,
        ProviderChargeId = WebhookJson.CheckIdentifier(Required(charge.Id, "data.object.id"), "data.object.id"),
        PaymentIntentId = WebhookJson.CheckIdentifier(Required(charge.PaymentIntentId, "data.object.payment_intent"), "data.object.payment_intent"),
        AmountRefunded = Amount(charge.Currency, charge.AmountRefunded, "amount_refunded"),
        LeaseId = GuidIn(charge.Metadata, "lease_id"),
        RentCharge = GuidIn(charge.Metadata, "rent_charge"),
        MoveInRequest = Readable(charge.Metadata?.GetValueOrDefault("move_in_request")),
        OccurredAt = occurredAt,
    };

    static PaymentDisputeReported Disputed(string eventId, string type, Stripe.Dispute dispute, DateTimeOffset occurredAt) => new()
    {
        ProviderEventId = eventId,
        EventType = type,
        DisputeId = WebhookJson.CheckIdentifier(Required(dispute.Id, "data.object.id"), "data.object.id"),
        PaymentIntentId = WebhookJson.CheckIdentifier(Required(dispute.PaymentIntentId, "data.object.payment_intent"), "data.object.payment_intent"),
        Amount = Amount(dispute.Currency, dispute.Amount, "amount"),
        Closed = type == "charge.dispute.closed",
        Won = type == "charge.dispute.closed" && dispute.Status is "won" or "warning_closed",
        OccurredAt = occurredAt,
    };

    static Guid? GuidIn(Dictionary<string, string>? metadata, string key) =>
        Guid.TryParse(metadata?.GetValueOrDefault(key), out var id) && id != Guid.Empty ? id : null;

    static string Required(string? value, string path) => value is { Length: > 0 } ? value : throw new InvalidWebhookException($"'{path}' is required.");

    // A value that reaches the tenant's email, Billing's rows and the logs: only a short, printable one is passed on.
    static string? Readable(string? text) =>
        text is { Length: > 0 and <= MaxMetadataValue } && Api.FieldRules.Unprintable(text) is null ? text : null;

    static Money Amount(string? currencyCode, long minorUnits, string field)
    {
        var currency = Required(currencyCode, "data.object.currency").ToUpperInvariant();
        if (!Money.IsCurrencyCode(currency))
            throw new InvalidWebhookException("'data.object.currency' must be a three-letter ISO 4217 code.");
        if (minorUnits < 0)
            throw new InvalidWebhookException($"'data.object.{field}' must be a whole number of minor units.");

        var divisor = ZeroDecimal.Contains(currency) ? 1m : ThreeDecimal.Contains(currency) ? 1000m : 100m;
        return new Money(minorUnits / divisor, currency);
    }
}
