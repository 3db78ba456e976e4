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

    static readonly string[] ListParameters =
        ["limit", "starting_after", "ending_before", "created", "created[gte]", "created[gt]", "created[lte]", "created[lt]"];

    /// <summary><c>GET /v1/payment_intents</c>: Stripe's list, newest first, with its query parameters and its refusals.</summary>
    public static IResult ListPaymentIntents(HttpContext http, PaymentGateway gateway)
    {
        var query = http.Request.Query;
        if (query.Keys.FirstOrDefault(key => !ListParameters.Contains(key, StringComparer.Ordinal)) is { } unknown)
            return Refuse(StripeError.InvalidRequest($"Received unknown parameter: {unknown}", "parameter_unknown", unknown));

        long? Seconds(string name, out StripeError? error)
        {
            error = null;
            if (!query.TryGetValue(name, out var values))
                return null;
            if (values.Count == 1 && long.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out var seconds))
                return seconds;
            error = StripeError.InvalidRequest($"Invalid integer: {values}", "parameter_invalid_integer", name);
            return null;
        }

        var limit = Seconds("limit", out var problem) ?? 10;
        if (problem is null && limit is < 1 or > 100)
            problem = StripeError.InvalidRequest("This value must be greater than or equal to 1 and less than or equal to 100.", "parameter_invalid_integer", "limit");
        var exactly = Seconds("created", out var createdProblem);
        var gte = Seconds("created[gte]", out var gteProblem);
        var gt = Seconds("created[gt]", out var gtProblem);
        var lte = Seconds("created[lte]", out var lteProblem);
        var lt = Seconds("created[lt]", out var ltProblem);
        var startingAfter = query["starting_after"] is { Count: > 0 } after ? after.ToString() : null;
        var endingBefore = query["ending_before"] is { Count: > 0 } before ? before.ToString() : null;
        if ((problem ?? createdProblem ?? gteProblem ?? gtProblem ?? lteProblem ?? ltProblem) is { } error)
            return Refuse(error);
        if (startingAfter is not null && endingBefore is not null)
            return Refuse(StripeError.InvalidRequest("You may only specify one of these parameters: starting_after, ending_before.", param: "ending_before"));

        return gateway.List(new PaymentIntentListQuery((int)limit, startingAfter, endingBefore,
            Max(exactly, gte, gt + 1), Min(exactly, lte, lt - 1)));
    }

    /// <summary>
    /// <c>POST /_sim/payment_rules</c>: one <c>metadata[key]=value</c> naming the payer's intents, <c>decline</c> (how many
    /// of their next payments are declined, default 0), <c>settle_after</c> (seconds a payment stays processing; left
    /// out, as configured) and <c>refunds</c> (<c>pending</c>: refunds of their payments stay pending until settled).
    /// </summary>
    public static async Task<IResult> SetPaymentRule(HttpContext http, PaymentRules rules)
    {
        var form = await StripeForm.ReadAsync(http.Request, http.RequestAborted);
        form.AllowOnly("metadata[", "decline", "settle_after", "refunds");
        var metadata = form.Metadata();
        var declineText = form.String("decline");
        var settleText = form.String("settle_after");
        var refundsText = form.String("refunds");
        if (form.FirstError is { } error)
            return Refuse(error);
        if (refundsText is not (null or "pending" or "succeeded"))
            return Refuse(StripeError.InvalidRequest($"Invalid refunds: {refundsText}; pending or succeeded.", param: "refunds"));
        if (metadata.Count != 1)
            return Refuse(StripeError.InvalidRequest("Name the payer's intents with exactly one metadata[key]=value.", param: "metadata"));
        var declines = 0;
        if (declineText is not null && (!int.TryParse(declineText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out declines) || declines > 100))
            return Refuse(StripeError.InvalidRequest($"Invalid decline: {declineText}; a count from 0 to 100.", "parameter_invalid_integer", "decline"));
        TimeSpan? settleAfter = null;
        if (settleText is not null)
        {
            if (!decimal.TryParse(settleText, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture,
                    out var seconds) || seconds > 3600)
                return Refuse(StripeError.InvalidRequest($"Invalid settle_after: {settleText}; seconds from 0 to 3600.", param: "settle_after"));
            settleAfter = TimeSpan.FromSeconds((double)seconds);
        }

        var (key, value) = metadata.Single();
        var rule = rules.Set(key, value, declines, settleAfter, refundsText == "pending");
        return Results.Json(new { metadata, decline = rule.Declines, settle_after = rule.SettleAfter?.TotalSeconds, refunds = rule.RefundsPending ? "pending" : "succeeded" },
            SimulatorJson.SnakeCase);
    }

    static long? Max(params long?[] bounds) => bounds.Where(b => b is not null).Max();

    static long? Min(params long?[] bounds) => bounds.Where(b => b is not null).Min();

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
