using System.Net;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>A payment intent as the gateway reported it. <see cref="FailureCode"/> is set when the card was declined.</summary>
public sealed record PaymentIntent(string Id, string Status, long Amount, string Currency, string? FailureCode)
{
    /// <summary>The charge of the latest payment attempt (<c>ch_...</c>); none before the first attempt settles.</summary>
    public string? LatestCharge { get; init; }

    public DateTimeOffset? CanceledAt { get; init; }

    public string? CancellationReason { get; init; }

    /// <summary>The secret that lets a payer's browser complete this intent, and nothing else; never logged.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>
    /// No money has been taken, yet a payment could still complete (or, for requires_capture, be captured): Stripe
    /// lets these be cancelled. Processing is not among them, though Stripe cancels some bank debits while processing:
    /// Billing waits for such a payment's outcome instead.
    /// </summary>
    public bool IsCancellable => Status is PaymentIntentStatus.RequiresPaymentMethod or PaymentIntentStatus.RequiresConfirmation
        or PaymentIntentStatus.RequiresAction or PaymentIntentStatus.RequiresCapture;
}

/// <summary>Stripe's payment intent statuses.</summary>
public static class PaymentIntentStatus
{
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string RequiresConfirmation = "requires_confirmation";
    public const string RequiresAction = "requires_action";
    public const string RequiresCapture = "requires_capture";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Canceled = "canceled";
}

/// <summary>A payment intent as the gateway's list reports it: what it has collected so far, and the metadata it was created with.</summary>
public sealed record ListedPaymentIntent(string Id, string Status, long Amount, long AmountReceived, string Currency, DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record PaymentRefund(string Id, string PaymentIntentId, long Amount, string Status);

/// <summary>
/// The Stripe-compatible payment gateway, through Stripe.net's <see cref="Stripe.StripeClient"/> on an HttpClient from
/// IHttpClientFactory. Every call that changes something carries an idempotency key, so a repeated call with the same key
/// gets the first answer back instead of a second charge; Stripe.net retries connection failures, 409 and 5xx itself
/// (<see cref="PaymentGatewayOptions.MaxNetworkRetries"/>) under that key. A card decline (402) is an answer, not a
/// failure: it comes back as the declined intent. A 5xx, 408, 429, a dropped connection or a timeout is
/// <see cref="PaymentGatewayUnavailableException"/> (retried by the recoverability policy); any other 4xx is
/// <see cref="PaymentGatewayRejectedException"/> (unrecoverable: the same request would be refused again).
/// </summary>
public sealed class PaymentGatewayClient
{
    readonly Stripe.StripeClient _stripe;
    readonly PaymentGatewayOptions _settings;
    readonly TimeSpan _timeout;

    public PaymentGatewayClient(HttpClient http, IOptions<BillingOptions> options)
    {
        _settings = options.Value.Payments;
        _timeout = http.Timeout;
        _stripe = new Stripe.StripeClient(new Stripe.StripeClientOptions
        {
            ApiKey = _settings.SecretKey,
            ApiBase = _settings.BaseUrl.TrimEnd('/'),
            HttpClient = new Stripe.SystemNetHttpClient(http, _settings.MaxNetworkRetries, enableTelemetry: false),
        });
    }

    public static void Configure(HttpClient client, BillingOptions settings) => client.Timeout = settings.Payments.Timeout;

    /// <summary>Creates and confirms an intent with the configured payment method; the metadata goes with its webhooks.</summary>
    public Task<PaymentIntent> ChargeAsync(long amount, string currency, IReadOnlyDictionary<string, string> metadata, string idempotencyKey,
        CancellationToken cancellationToken) =>
        CallAsync("POST v1/payment_intents", async () =>
        {
            var create = new Stripe.PaymentIntentCreateOptions
            {
                Amount = amount,
                Currency = currency.ToLowerInvariant(),
                Confirm = true,
                PaymentMethod = _settings.PaymentMethod,
                Metadata = new Dictionary<string, string>(metadata),
            };
            try
            {
                return ToIntent(await _stripe.V1.PaymentIntents.CreateAsync(create, Keyed(idempotencyKey), cancellationToken), null);
            }
            catch (Stripe.StripeException declined) when (declined.HttpStatusCode == HttpStatusCode.PaymentRequired
                && declined.StripeError?.PaymentIntent is { } intent)
            {
                return ToIntent(intent, declined.StripeError.DeclineCode ?? declined.StripeError.Code ?? "card_declined");
            }
        }, cancellationToken);

    /// <summary>Creates an intent for the payer to pay on the gateway's hosted page (an invoice's link); nothing is charged yet.</summary>
    public Task<PaymentIntent> OpenAsync(long amount, string currency, IReadOnlyDictionary<string, string> metadata, string idempotencyKey,
        CancellationToken cancellationToken) =>
        CallAsync("POST v1/payment_intents", async () => ToIntent(await _stripe.V1.PaymentIntents.CreateAsync(new Stripe.PaymentIntentCreateOptions
        {
            Amount = amount,
            Currency = currency.ToLowerInvariant(),
            Metadata = new Dictionary<string, string>(metadata),
        }, Keyed(idempotencyKey), cancellationToken), null), cancellationToken);

    public Task<PaymentIntent> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        CallAsync($"GET v1/payment_intents/{paymentIntentId}",
            async () => ToIntent(await _stripe.V1.PaymentIntents.GetAsync(paymentIntentId, null, null, cancellationToken), null), cancellationToken);

    /// <summary>
    /// Every intent created in [<paramref name="from"/>, <paramref name="to"/>) (the gateway keeps whole seconds), read
    /// page by page through Stripe's list API at its largest page size.
    /// </summary>
    public Task<IReadOnlyList<ListedPaymentIntent>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        CallAsync("GET v1/payment_intents", async () =>
        {
            var options = new Stripe.PaymentIntentListOptions
            {
                Created = new Stripe.DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = to.UtcDateTime },
                Limit = 100,
            };
            var listed = new List<ListedPaymentIntent>();
            await foreach (var intent in _stripe.V1.PaymentIntents.ListAutoPagingAsync(options, null, cancellationToken))
            {
                listed.Add(Listed(intent));
            }

            return (IReadOnlyList<ListedPaymentIntent>)listed;
        }, cancellationToken);

    /// <summary>The intent as <see cref="ListAsync"/> reports it; null when the gateway has no intent of that id.</summary>
    public Task<ListedPaymentIntent?> FindAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        CallAsync($"GET v1/payment_intents/{paymentIntentId}", async () =>
        {
            try
            {
                return Listed(await _stripe.V1.PaymentIntents.GetAsync(paymentIntentId, null, null, cancellationToken));
            }
            catch (Stripe.StripeException missing) when (missing.HttpStatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    static ListedPaymentIntent Listed(Stripe.PaymentIntent intent) =>
        new(intent.Id, intent.Status, intent.Amount, intent.AmountReceived, intent.Currency.ToUpperInvariant(),
            new DateTimeOffset(DateTime.SpecifyKind(intent.Created, DateTimeKind.Utc)), intent.Metadata ?? new Dictionary<string, string>());

    /// <summary>
    /// Cancels an intent nobody has paid, so that it can no longer be paid. <paramref name="reason"/> is one of Stripe's
    /// <c>duplicate</c>, <c>fraudulent</c>, <c>requested_by_customer</c>, <c>abandoned</c>. An intent that is processing,
    /// paid or already cancelled is refused with <see cref="PaymentGatewayRejectedException"/> and code
    /// <c>payment_intent_unexpected_state</c>.
    /// </summary>
    public Task<PaymentIntent> CancelAsync(string paymentIntentId, string? reason, string idempotencyKey, CancellationToken cancellationToken) =>
        CallAsync($"POST v1/payment_intents/{paymentIntentId}/cancel", async () => ToIntent(await _stripe.V1.PaymentIntents.CancelAsync(paymentIntentId,
            new Stripe.PaymentIntentCancelOptions { CancellationReason = reason }, Keyed(idempotencyKey), cancellationToken), null), cancellationToken);

    /// <summary>Refunds the intent's charge, all of it when <paramref name="amount"/> is null.</summary>
    public Task<PaymentRefund> RefundAsync(string paymentIntentId, long? amount, IReadOnlyDictionary<string, string> metadata, string idempotencyKey,
        CancellationToken cancellationToken) =>
        CallAsync("POST v1/refunds", async () =>
        {
            var create = new Stripe.RefundCreateOptions { PaymentIntent = paymentIntentId, Amount = amount, Metadata = new Dictionary<string, string>(metadata) };
            var refund = await _stripe.V1.Refunds.CreateAsync(create, Keyed(idempotencyKey), cancellationToken);
            return new PaymentRefund(refund.Id, refund.PaymentIntentId, refund.Amount, refund.Status);
        }, cancellationToken);

    /// <summary>The refund as the gateway reports it now (a <c>pending</c> refund later <c>succeeded</c>, <c>failed</c> or <c>canceled</c>).</summary>
    public Task<PaymentRefund> RetrieveRefundAsync(string refundId, CancellationToken cancellationToken) =>
        CallAsync($"GET v1/refunds/{refundId}", async () =>
        {
            var refund = await _stripe.V1.Refunds.GetAsync(refundId, null, null, cancellationToken);
            return new PaymentRefund(refund.Id, refund.PaymentIntentId, refund.Amount, refund.Status);
        }, cancellationToken);

    /// <summary>
    /// What the consumers act on, from what Stripe.net throws once its own retries are spent: the gateway's refusal, or
    /// its absence. A cancellation of our own (the message's token) passes through untouched.
    /// </summary>
    async Task<T> CallAsync<T>(string call, Func<Task<T>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send();
        }
        catch (Stripe.StripeException stripe) when ((int)stripe.HttpStatusCode is >= 500 or 408 or 429 or (>= 200 and < 300))
        {
            throw new PaymentGatewayUnavailableException($"{call}: {(int)stripe.HttpStatusCode} {stripe.StripeError?.Message ?? stripe.Message}", stripe);
        }
        catch (Stripe.StripeException stripe)
        {
            throw new PaymentGatewayRejectedException((int)stripe.HttpStatusCode, stripe.StripeError?.Code ?? stripe.StripeError?.Type,
                $"{call}: {(int)stripe.HttpStatusCode} {stripe.StripeError?.Message ?? stripe.Message}");
        }
        catch (HttpRequestException failed)
        {
            throw new PaymentGatewayUnavailableException($"{call}: {failed.HttpRequestError}", failed);
        }
        catch (OperationCanceledException timedOut) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaymentGatewayUnavailableException($"{call}: no answer within {_timeout}", timedOut);
        }
    }

    static Stripe.RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    static PaymentIntent ToIntent(Stripe.PaymentIntent intent, string? failureCode) =>
        new(intent.Id, intent.Status, intent.Amount, intent.Currency, failureCode ?? intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code)
        {
            LatestCharge = intent.LatestChargeId,
            CanceledAt = intent.CanceledAt is { } canceledAt ? new DateTimeOffset(DateTime.SpecifyKind(canceledAt, DateTimeKind.Utc)) : null,
            CancellationReason = intent.CancellationReason,
            ClientSecret = intent.ClientSecret,
        };
}
