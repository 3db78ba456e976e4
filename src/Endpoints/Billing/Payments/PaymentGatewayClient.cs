using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

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

public sealed record PaymentRefund(string Id, string PaymentIntentId, long Amount, string Status);

/// <summary>
/// The Stripe-compatible payment gateway: form-encoded POSTs with a bearer secret key and an <c>Idempotency-Key</c>,
/// so a repeated call with the same key gets the first answer back instead of a second charge. A card decline (402)
/// is an answer, not a failure: it comes back as the declined intent. A 5xx, 408, 429, a dropped connection or a
/// timeout is <see cref="PaymentGatewayUnavailableException"/> (retried); any other 4xx is
/// <see cref="PaymentGatewayRejectedException"/> (unrecoverable: the same request would be refused again).
/// </summary>
public sealed class PaymentGatewayClient(HttpClient http, IOptions<BillingOptions> options)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Configure(HttpClient client, BillingOptions settings)
    {
        client.BaseAddress = new Uri(settings.Payments.BaseUrl.TrimEnd('/') + "/");
        client.Timeout = settings.Payments.Timeout;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Payments.SecretKey);
    }

    /// <summary>Creates and confirms an intent with the configured payment method; the metadata goes with its webhooks.</summary>
    public async Task<PaymentIntent> ChargeAsync(long amount, string currency, IReadOnlyDictionary<string, string> metadata, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("currency", currency.ToLowerInvariant()),
            new("confirm", "true"),
            new("payment_method", options.Value.Payments.PaymentMethod),
        };
        form.AddRange(metadata.Select(entry => new KeyValuePair<string, string>($"metadata[{entry.Key}]", entry.Value)));

        var (status, body) = await SendAsync(HttpMethod.Post, "v1/payment_intents", form, idempotencyKey, cancellationToken);
        if (status == HttpStatusCode.PaymentRequired && Read<ErrorResponse>(body)?.Error is { PaymentIntent: { } declined } error)
            return declined.ToIntent(error.DeclineCode ?? error.Code ?? "card_declined");
        return Succeeded<IntentResource>(status, body, "POST v1/payment_intents").ToIntent(null);
    }

    public async Task<PaymentIntent> RetrieveAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        var path = $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}";
        var (status, body) = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
        return Succeeded<IntentResource>(status, body, $"GET {path}").ToIntent(null);
    }

    /// <summary>
    /// Cancels an intent nobody has paid, so that it can no longer be paid. <paramref name="reason"/> is one of Stripe's
    /// <c>duplicate</c>, <c>fraudulent</c>, <c>requested_by_customer</c>, <c>abandoned</c>. An intent that is processing,
    /// paid or already cancelled is refused with <see cref="PaymentGatewayRejectedException"/> and code
    /// <c>payment_intent_unexpected_state</c>.
    /// </summary>
    public async Task<PaymentIntent> CancelAsync(string paymentIntentId, string? reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        var path = $"v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/cancel";
        var form = new List<KeyValuePair<string, string>>();
        if (reason is not null)
            form.Add(new("cancellation_reason", reason));

        var (status, body) = await SendAsync(HttpMethod.Post, path, form, idempotencyKey, cancellationToken);
        return Succeeded<IntentResource>(status, body, $"POST {path}").ToIntent(null);
    }

    /// <summary>Refunds the intent's charge, all of it when <paramref name="amount"/> is null.</summary>
    public async Task<PaymentRefund> RefundAsync(string paymentIntentId, long? amount, IReadOnlyDictionary<string, string> metadata, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("payment_intent", paymentIntentId) };
        if (amount is { } value)
            form.Add(new("amount", value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        form.AddRange(metadata.Select(entry => new KeyValuePair<string, string>($"metadata[{entry.Key}]", entry.Value)));

        var (status, body) = await SendAsync(HttpMethod.Post, "v1/refunds", form, idempotencyKey, cancellationToken);
        var refund = Succeeded<RefundResource>(status, body, "POST v1/refunds");
        return new PaymentRefund(refund.Id, refund.PaymentIntent, refund.Amount, refund.Status);
    }

    async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, List<KeyValuePair<string, string>>? form,
        string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (form is not null)
            request.Content = new FormUrlEncodedContent(form);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException exception)
        {
            throw new PaymentGatewayUnavailableException($"{method} {path}: {exception.HttpRequestError}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaymentGatewayUnavailableException($"{method} {path}: no answer within {http.Timeout}", exception);
        }
    }

    static T Succeeded<T>(HttpStatusCode status, string body, string call)
        where T : class
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return Read<T>(body) ?? throw new PaymentGatewayUnavailableException($"{call}: unreadable answer");
        if (code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            throw new PaymentGatewayUnavailableException($"{call}: {code} {status}");

        var error = Read<ErrorResponse>(body)?.Error;
        throw new PaymentGatewayRejectedException(code, error?.Code ?? error?.Type, $"{call}: {code} {error?.Message ?? (body.Length > 500 ? body[..500] : body)}");
    }

    static T? Read<T>(string body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    sealed record IntentResource(
        string Id, string Status, long Amount, string Currency, LastPaymentError? LastPaymentError, string? LatestCharge, long? CanceledAt,
        string? CancellationReason, string? ClientSecret)
    {
        public PaymentIntent ToIntent(string? failureCode) =>
            new(Id, Status, Amount, Currency, failureCode ?? LastPaymentError?.DeclineCode ?? LastPaymentError?.Code)
            {
                LatestCharge = LatestCharge,
                CanceledAt = CanceledAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
                CancellationReason = CancellationReason,
                ClientSecret = ClientSecret,
            };
    }

    sealed record LastPaymentError(string? Code, string? DeclineCode);

    sealed record RefundResource(string Id, long Amount, string PaymentIntent, string Status);

    sealed record ErrorResponse(ErrorBody? Error);

    sealed record ErrorBody(string? Type, string? Code, string? DeclineCode, string? Message,
        [property: JsonPropertyName("payment_intent")] IntentResource? PaymentIntent);
}
