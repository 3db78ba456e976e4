namespace Orchestration.Simulators.Payments;

/// <summary>The HTTP side of the gateway: reads Stripe's form parameters and runs each POST under its idempotency key.</summary>
internal static class PaymentsApi
{
    static readonly string[] RefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];
    static readonly string[] CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    public static Task<IResult> CreatePaymentIntent(HttpContext http, PaymentGateway gateway, IdempotencyStore idempotency) =>
        RespondAsync(http, idempotency, form =>
        {
            form.AllowOnly("amount", "currency", "confirm", "payment_method", "customer", "description", "receipt_email",
                "statement_descriptor", "statement_descriptor_suffix", "off_session", "return_url", "capture_method",
                "metadata[", "payment_method_types[", "automatic_payment_methods[", "expand[");
            var request = new NewPaymentIntent(
                form.Amount("amount", required: true) ?? 0,
                form.Currency("currency") ?? "",
                form.Metadata(),
                form.Boolean("confirm"),
                form.PaymentMethod("payment_method"),
                form.String("customer"),
                form.String("description"));
            if (form.FirstError is { } error)
                return Refuse(error);

            // Manual capture (authorise now, capture later) is not part of the rent flows this gateway stands in for.
            return form.String("capture_method") is { } capture and not "automatic"
                ? Refuse(StripeError.InvalidRequest($"This simulator supports capture_method=automatic only, not {capture}.", param: "capture_method"))
                : gateway.CreateIntent(request, Cause(http));
        });

    public static Task<IResult> ConfirmPaymentIntent(HttpContext http, PaymentGateway gateway, IdempotencyStore idempotency, string id) =>
        RespondAsync(http, idempotency, form =>
        {
            form.AllowOnly("payment_method", "off_session", "return_url", "expand[");
            var paymentMethod = form.PaymentMethod("payment_method");
            return form.FirstError is { } error ? Refuse(error) : gateway.Confirm(id, paymentMethod, Cause(http));
        });

    public static Task<IResult> CancelPaymentIntent(HttpContext http, PaymentGateway gateway, IdempotencyStore idempotency, string id) =>
        RespondAsync(http, idempotency, form =>
        {
            form.AllowOnly("cancellation_reason", "expand[");
            var reason = form.String("cancellation_reason");
            if (form.FirstError is { } error)
                return Refuse(error);

            return reason is not null && !CancellationReasons.Contains(reason)
                ? Refuse(StripeError.InvalidRequest(
                    $"Invalid cancellation_reason: must be one of {string.Join(", ", CancellationReasons)}", param: "cancellation_reason"))
                : gateway.Cancel(id, reason, Cause(http));
        });

    public static Task<IResult> CreateRefund(HttpContext http, PaymentGateway gateway, IdempotencyStore idempotency) =>
        RespondAsync(http, idempotency, form =>
        {
            form.AllowOnly("payment_intent", "amount", "reason", "metadata[", "expand[");
            var request = new NewRefund(form.String("payment_intent", required: true) ?? "", form.Amount("amount"), form.String("reason"), form.Metadata());
            if (form.FirstError is { } error)
                return Refuse(error);

            return request.Reason is not null && !RefundReasons.Contains(request.Reason)
                ? Refuse(StripeError.InvalidRequest($"Invalid reason: must be one of {string.Join(", ", RefundReasons)}", param: "reason"))
                : gateway.Refund(request, Cause(http));
        });

    static async Task<IResult> RespondAsync(HttpContext http, IdempotencyStore idempotency, Func<StripeForm, RecordedResponse> handle)
    {
        var form = await StripeForm.ReadAsync(http.Request, http.RequestAborted);
        return await idempotency.RespondAsync(
            http,
            IdempotencyStore.Fingerprint(http.Request.Method, http.Request.Path, form.Parameters),
            () => handle(form),
            key => Refuse(StripeError.IdempotencyConflict(key)));
    }

    // Refused before anything happened: Stripe keeps no idempotent result for these.
    static RecordedResponse Refuse(StripeError error) => error.ToResponse(StatusCodes.Status400BadRequest, replayable: false);

    static StripeEventRequest Cause(HttpContext http) => new(
        http.Response.Headers["Request-Id"].ToString(),
        http.Request.Headers[IdempotencyStore.KeyHeader] is { Count: > 0 } key ? key.ToString() : null);
}
