using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// The e-signature provider's events: <c>{"id","type","createdAt","envelope":{"id","reference","signer":{..,"signedAt"},"countersigner":{..}}}</c>.
/// <c>envelope.signed</c> is the tenant's signature, <c>envelope.completed</c> the landlord's countersignature.
/// </summary>
public static class ESignatureEvents
{
    public static WebhookEvent Read(JsonElement root, string? eventIdHeader, DateTimeOffset now)
    {
        var eventId = root.OptionalString("id") ?? eventIdHeader ?? throw new InvalidWebhookException("'id' is required.");
        var type = root.RequiredString("type", "type");
        if (type is not ("envelope.signed" or "envelope.completed"))
            return new WebhookEvent(eventId, type, null);

        var envelope = root.RequiredObject("envelope", "envelope");
        var leaseId = WebhookJson.LeaseId(envelope.OptionalString("reference"), "envelope.reference");
        var occurredAt = root.OptionalTime("createdAt") ?? now;

        if (type == "envelope.signed")
        {
            return new WebhookEvent(eventId, type, new TenantSigned
            {
                LeaseId = leaseId,
                EnvelopeId = envelope.RequiredString("id", "envelope.id"),
                SignedAt = envelope.Property("signer") is { } signer ? signer.OptionalTime("signedAt") ?? occurredAt : occurredAt,
            });
        }

        var countersigner = envelope.RequiredObject("countersigner", "envelope.countersigner");
        return new WebhookEvent(eventId, type, new LandlordCountersigned
        {
            LeaseId = leaseId,
            CountersignedBy = countersigner.OptionalString("email") ?? countersigner.RequiredString("name", "envelope.countersigner.email"),
            CountersignedAt = countersigner.OptionalTime("signedAt") ?? occurredAt,
        });
    }
}
