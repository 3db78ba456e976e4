namespace Orchestration.Simulators.Payments;

/// <summary>
/// A Stripe-compatible payment gateway: payment intents (created, confirmed, canceled, listed by creation time), refunds, returns and disputes on
/// demand (<c>/_sim/payment_intents/{id}/return</c>, <c>/dispute</c>, <c>/_sim/disputes/{id}/close?outcome=won|lost</c>,
/// <c>/_sim/refunds/{id}/settle?outcome=succeeded|failed</c>), declines, bank-debit settlement and pending refunds arranged per payer
/// (<c>/_sim/payment_rules</c>, see <see cref="PaymentRules"/>), <c>Idempotency-Key</c>, Stripe errors, and
/// <c>Stripe-Signature</c>-signed webhooks. See <see cref="PaymentOutcomes"/> for how the amount picks the outcome.
/// </summary>
internal static class PaymentsSimulator
{
    public const string Name = "Payments";

    public static void AddServices(IServiceCollection services, PaymentsSimulatorOptions options)
    {
        services.AddSingleton(new WebhookChannel("Stripe-Signature", EventIdHeader: null, "Stripe/1.0 (+https://stripe.com/docs/webhooks)", options.Webhook));
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<PaymentWebhooks>();
        services.AddSingleton<PaymentRules>();
        services.AddSingleton<PaymentGateway>();
    }

    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<PaymentsSimulatorOptions>();

        // Every Stripe response names its request; events caused by a request carry the same id.
        app.Use((context, next) =>
        {
            context.Response.Headers["Request-Id"] = ResourceId.New("req", 14);
            return next(context);
        });

        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
        {
            var result = ApiKeyCheck.Check(context.HttpContext.Request, options.SecretKey, allowBasic: true);
            return result == ApiKeyResult.Valid
                ? await next(context)
                : StripeError.Unauthorized(result).ToResponse(StatusCodes.Status401Unauthorized);
        });
        api.MapPost("/payment_intents", PaymentsApi.CreatePaymentIntent);
        api.MapGet("/payment_intents", PaymentsApi.ListPaymentIntents);
        api.MapGet("/payment_intents/{id}", (PaymentGateway gateway, string id) => gateway.Retrieve(id));
        api.MapPost("/payment_intents/{id}/confirm", PaymentsApi.ConfirmPaymentIntent);
        api.MapPost("/payment_intents/{id}/cancel", PaymentsApi.CancelPaymentIntent);
        api.MapPost("/refunds", PaymentsApi.CreateRefund);
        api.MapGet("/refunds/{id}", (PaymentGateway gateway, string id) => gateway.RetrieveRefund(id));

        // What a payer's bank does days after a payment, on demand.
        var controls = app.MapGroup("/_sim/payment_intents");
        controls.MapPost("/{id}/return", (PaymentGateway gateway, string id) => gateway.Return(id));
        controls.MapPost("/{id}/dispute", (PaymentGateway gateway, string id) => gateway.OpenDispute(id));
        // What a payer's bank will do with their next payments, arranged ahead (see PaymentRules).
        app.MapPost("/_sim/payment_rules", PaymentsApi.SetPaymentRule);
        // A pending refund (see PaymentRules) settled by the payer's bank.
        app.MapPost("/_sim/refunds/{id}/settle", (PaymentGateway gateway, string id, string outcome) => outcome is "succeeded" or "failed"
            ? gateway.SettleRefund(id, outcome == "succeeded")
            : StripeError.InvalidRequest("outcome is succeeded or failed.", param: "outcome").ToResponse(StatusCodes.Status400BadRequest));
        app.MapPost("/_sim/disputes/{id}/close", (PaymentGateway gateway, string id, string outcome) => outcome is "won" or "lost"
            ? gateway.CloseDispute(id, outcome == "won")
            : StripeError.InvalidRequest("outcome is won or lost.", param: "outcome").ToResponse(StatusCodes.Status400BadRequest));

        HostedPaymentPage.Map(app);
        WebhookControls.Map(app);
    }
}
