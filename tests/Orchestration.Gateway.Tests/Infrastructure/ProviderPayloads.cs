namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>Webhook bodies in the providers' shapes, as the simulators send them.</summary>
public static class ProviderPayloads
{
    public static string ScreeningCompleted(string eventId, Guid leaseId, string decision = "approved", string? reasonCode = null) =>
        JsonSerializer.Serialize(new
        {
            id = eventId,
            type = "screening.completed",
            createdAt = DateTimeOffset.UtcNow,
            screening = new
            {
                id = "scr_" + Guid.NewGuid().ToString("N")[..12],
                status = "completed",
                reference = $"lease-{leaseId:N}",
                applicant = new { name = "Ada Lovelace", email = "ada@example.com" },
                decision,
                reason = reasonCode is null ? null : new { code = reasonCode, message = "Declined." },
            },
        });

    public static string EnvelopeEvent(string eventId, string type, string? reference) =>
        JsonSerializer.Serialize(new
        {
            id = eventId,
            type,
            createdAt = DateTimeOffset.UtcNow,
            envelope = new
            {
                id = "env_test",
                status = "signed",
                reference,
                signer = new { name = "Ada Lovelace", email = "ada@example.com", signedAt = DateTimeOffset.UtcNow },
                countersigner = new { name = "Landlord", email = "landlord@example.com", signedAt = (DateTimeOffset?)null },
            },
        });

    /// <param name="leaseId">In <c>metadata[lease_id]</c>; no metadata at all when null.</param>
    /// <param name="apiVersion">The version of Stripe's API the event is written in; Stripe.net's own by default.</param>
    public static string PaymentIntentEvent(string eventId, string type, Guid? leaseId, long amount, string currency = "usd", string intentId = "pi_test_1",
        long? created = null, string? apiVersion = null) =>
        JsonSerializer.Serialize(new
        {
            id = eventId,
            @object = "event",
            api_version = apiVersion ?? Stripe.StripeConfiguration.ApiVersion,
            type,
            created = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            data = new
            {
                @object = new
                {
                    id = intentId,
                    @object = "payment_intent",
                    amount,
                    amount_received = type == "payment_intent.succeeded" ? amount : 0,
                    currency,
                    metadata = leaseId is { } lease ? new Dictionary<string, string> { ["lease_id"] = lease.ToString() } : null,
                    last_payment_error = type == "payment_intent.payment_failed" ? new { code = "card_declined", message = "Your card was declined." } : null,
                    status = type == "payment_intent.succeeded" ? "succeeded" : "requires_payment_method",
                },
            },
        });
}
