namespace Orchestration.Simulators.Payments;

/// <summary>Why a payment failed, in Stripe's terms (<c>last_payment_error</c>).</summary>
internal sealed record PaymentFailure(string Code, string? DeclineCode, string Message);

/// <summary>
/// Picks a payment's outcome the way Stripe test cards are used to simulate one, so that any client code can steer a
/// scenario through the amount alone:
/// <list type="table">
/// <item><term>amount ending in 02</term><description>card_declined / generic_decline</description></item>
/// <item><term>amount ending in 95</term><description>card_declined / insufficient_funds</description></item>
/// <item><term>amount ending in 96</term><description>expired_card / expired_card</description></item>
/// <item><term>amount ending in 97</term><description>processing_error</description></item>
/// <item><term>anything else</term><description>succeeded</description></item>
/// </list>
/// Stripe's decline test payment methods force their outcome whatever the amount.
/// </summary>
internal static class PaymentOutcomes
{
    static readonly PaymentFailure GenericDecline = new("card_declined", "generic_decline", "Your card was declined.");
    public static readonly PaymentFailure InsufficientFunds = new("card_declined", "insufficient_funds", "Your card has insufficient funds.");
    static readonly PaymentFailure ExpiredCard = new("expired_card", "expired_card", "Your card has expired.");
    static readonly PaymentFailure ProcessingError = new("processing_error", null, "An error occurred while processing your card. Try again in a little bit.");

    /// <summary>A bank debit returned after it succeeded (ACH return code R01).</summary>
    public static readonly PaymentFailure Returned = new("insufficient_funds", null, "The customer's account has insufficient funds to cover this payment.");

    static readonly Dictionary<string, PaymentFailure> ByPaymentMethod = new(StringComparer.Ordinal)
    {
        ["pm_card_chargeDeclined"] = GenericDecline,
        ["pm_card_chargeDeclinedInsufficientFunds"] = InsufficientFunds,
        ["pm_card_chargeDeclinedExpiredCard"] = ExpiredCard,
        ["pm_card_chargeDeclinedProcessingError"] = ProcessingError,
    };

    /// <summary>A card the payer chose on the hosted page: only Stripe's decline test cards fail.</summary>
    public static PaymentFailure? ForCard(string paymentMethod) => ByPaymentMethod.GetValueOrDefault(paymentMethod);

    /// <returns>The failure, or none when the payment succeeds.</returns>
    public static PaymentFailure? For(long amount, string paymentMethod) =>
        ByPaymentMethod.TryGetValue(paymentMethod, out var forced) ? forced
        : (amount % 100) switch
        {
            2 => GenericDecline,
            95 => InsufficientFunds,
            96 => ExpiredCard,
            97 => ProcessingError,
            _ => null,
        };
}
