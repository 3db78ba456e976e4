namespace Orchestration.Simulators.Payments;

/// <summary>
/// What a test arranged for the payments of one payer: declines still to come, how long each payment stays processing,
/// and whether refunds of their payments stay <c>pending</c> until settled on demand.
/// </summary>
internal sealed record PaymentRule(string MetadataKey, string MetadataValue, int Declines, TimeSpan? SettleAfter, bool RefundsPending = false);

/// <summary>
/// A payer's bank as a test arranges it ahead of the payments (<c>POST /_sim/payment_rules</c>), for the outcomes the
/// amount cannot choose because the payer's next payment has the same amount: the next few payments declined for
/// insufficient funds and the one after them succeeding (a retried autopay), or a payment that stays
/// <c>processing</c> for a while before it settles (a bank debit) while others settle at once, or refunds that stay
/// <c>pending</c> until the test settles them (as Stripe's refunds of bank debits can). A rule applies to the
/// intents whose metadata carries its key and value, confirmed with a saved payment method; on the hosted page the
/// payer's card alone decides, as before.
/// </summary>
internal sealed class PaymentRules
{
    readonly Lock gate = new();
    readonly Dictionary<(string Key, string Value), PaymentRule> rules = [];

    /// <summary>Sets (or replaces) the rule for intents whose metadata has <paramref name="key"/> = <paramref name="value"/>.</summary>
    public PaymentRule Set(string key, string value, int declines, TimeSpan? settleAfter, bool refundsPending = false)
    {
        var rule = new PaymentRule(key, value, declines, settleAfter, refundsPending);
        lock (gate)
            rules[(key, value)] = rule;
        return rule;
    }

    /// <summary>
    /// The outcome a confirmation of an intent with this metadata is given: a decline (which uses one of the rule's
    /// declines up) or none, and how long it stays processing (null: as the simulator is configured).
    /// </summary>
    public (PaymentFailure? Decline, TimeSpan? SettleAfter) Take(IReadOnlyDictionary<string, string> metadata)
    {
        lock (gate)
        {
            foreach (var (key, value) in metadata)
            {
                if (!rules.TryGetValue((key, value), out var rule))
                    continue;
                if (rule.Declines > 0)
                    rules[(key, value)] = rule with { Declines = rule.Declines - 1 };
                return (rule.Declines > 0 ? PaymentOutcomes.InsufficientFunds : null, rule.SettleAfter);
            }
        }

        return (null, null);
    }

    /// <summary>Whether a refund of an intent with this metadata answers <c>pending</c> (settled later through <c>/_sim/refunds/{id}/settle</c>).</summary>
    public bool RefundsPending(IReadOnlyDictionary<string, string> metadata)
    {
        lock (gate)
            return metadata.Any(pair => rules.TryGetValue((pair.Key, pair.Value), out var rule) && rule.RefundsPending);
    }
}
