using System.Globalization;
using System.Net;

namespace Orchestration.Simulators.Payments;

/// <summary>
/// The gateway's hosted payment page, as Stripe hosts its checkout: <c>/pay/{client_secret}</c> shows what the intent
/// asks for and takes a card. The client secret is the only key to it (it is random, and opens this one intent and
/// nothing else), so the link can be emailed to the payer. Paying confirms the intent as the API would, and the usual
/// signed webhooks follow.
/// </summary>
internal static class HostedPaymentPage
{
    // The cards a payer can pick here: Stripe's test card that succeeds, and its decline test cards.
    static readonly (string PaymentMethod, string Label)[] Cards =
    [
        ("pm_card_visa", "Visa ending in 4242"),
        ("pm_card_chargeDeclined", "Card that is declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", "Card with insufficient funds"),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/pay/{clientSecret}", (PaymentGateway gateway, string clientSecret) =>
            gateway.FindBySecret(clientSecret) is { } intent ? Page(intent, clientSecret, StatusCodes.Status200OK) : NotFound());

        // A form post, so that following the link (mail scanners prefetch links) never pays by itself.
        app.MapPost("/pay/{clientSecret}", async (PaymentGateway gateway, HttpRequest request, string clientSecret) =>
        {
            if (gateway.FindBySecret(clientSecret) is null)
                return NotFound();
            var form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
            var paymentMethod = form?["payment_method"].ToString() ?? "";
            if (!Cards.Any(card => card.PaymentMethod == paymentMethod))
                return Html(StatusCodes.Status400BadRequest, "Choose a card", "<p>Choose one of the cards offered.</p>");

            var answer = gateway.ConfirmOnHostedPage(clientSecret, paymentMethod);
            var intent = gateway.FindBySecret(clientSecret)!;
            return Page(intent, clientSecret, answer.StatusCode);
        });
    }

    static IResult Page(PaymentIntentResource intent, string clientSecret, int statusCode)
    {
        var amount = WebUtility.HtmlEncode(Display(intent.Amount, intent.Currency));
        var outcome = intent.Status switch
        {
            PaymentIntentStatus.Succeeded => "<p>Paid. Thank you.</p>",
            PaymentIntentStatus.Processing => "<p>Your payment is processing.</p>",
            PaymentIntentStatus.Canceled => "<p>This payment was cancelled and can no longer be paid.</p>",
            _ => intent.LastPaymentError is { } error ? $"<p>Your last payment did not go through: {WebUtility.HtmlEncode(error.Message)}</p>" : "",
        };
        var form = intent.Status is PaymentIntentStatus.RequiresPaymentMethod or PaymentIntentStatus.RequiresConfirmation
            ? $"""
              <form method="post" action="/pay/{Uri.EscapeDataString(clientSecret)}">
                {string.Join("\n    ", Cards.Select(card =>
                    $"<label><input type=\"radio\" name=\"payment_method\" value=\"{card.PaymentMethod}\"> {WebUtility.HtmlEncode(card.Label)}</label>"))}
                <button type="submit">Pay {amount}</button>
              </form>
              """
            : "";
        return Html(statusCode, $"Pay {amount}", $"""
            <h1>Pay {amount}</h1>
            <p data-status="{intent.Status}">Status: {intent.Status}</p>
            {outcome}
            {form}
            """);
    }

    static IResult NotFound() => Html(StatusCodes.Status404NotFound, "Not found", "<p>This payment link is not valid.</p>");

    static IResult Html(int statusCode, string title, string body) => Results.Content($"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>{title}</title></head>
        <body>
        {body}
        </body>
        </html>
        """, "text/html; charset=utf-8", statusCode: statusCode);

    // Minor units as the currency's own exponent has them; the simulator charges two-decimal currencies in practice.
    static string Display(long amount, string currency) =>
        $"{(amount / 100m).ToString("N2", CultureInfo.InvariantCulture)} {currency.ToUpperInvariant()}";
}
