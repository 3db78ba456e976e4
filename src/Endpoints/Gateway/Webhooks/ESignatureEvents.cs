using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// The e-signature provider's events: <c>{"id","type","createdAt","envelope":{"id","reference","signer":{..,"signedAt"},"countersigner":{..}}}</c>.
/// <c>envelope.signed</c> is the tenant's signature, <c>envelope.completed</c> the landlord's countersignature; Leasing
/// checks that the envelope is the one it created for the lease before either moves the lease.
/// </summary>
public static class ESignatureEvents
{
    public const string Route = Messages.Reconciliation.DiscrepancyProviders.ESignature;

    public static WebhookEvent Read(JsonElement root, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var eventId = WebhookJson.EventId(root, body);
        var type = root.RequiredString("type", "type");
        if (type is not ("envelope.signed" or "envelope.completed"))
            return new WebhookEvent(eventId, type, null);

        var envelope = root.RequiredObject("envelope", "envelope");
        var envelopeId = WebhookJson.CheckIdentifier(envelope.RequiredString("id", "envelope.id"), "envelope.id");
        var occurredAt = root.OptionalTime("createdAt") ?? now;
        var reference = envelope.OptionalString("reference");
        if (WebhookJson.LeaseId(reference) is not { } leaseId)
            return WebhookJson.Unmatched(Route, eventId, type, reference, "envelope.reference", envelopeId, occurredAt, now);

        if (type == "envelope.signed")
        {
            return new WebhookEvent(eventId, type, new TenantSignatureReported
            {
                EventId = eventId,
                LeaseId = leaseId,
                EnvelopeId = envelopeId,
                SignedAt = envelope.Property("signer") is { } signer ? signer.OptionalTime("signedAt") ?? occurredAt : occurredAt,
                ReceivedAt = now,
            });
        }

        var countersigner = envelope.RequiredObject("countersigner", "envelope.countersigner");
        return new WebhookEvent(eventId, type, new CountersignatureReported
        {
            EventId = eventId,
            LeaseId = leaseId,
            EnvelopeId = envelopeId,
            CountersignedBy = countersigner.OptionalString("email") ?? countersigner.RequiredString("name", "envelope.countersigner.email"),
            CountersignedAt = countersigner.OptionalTime("signedAt") ?? occurredAt,
            ReceivedAt = now,
        });
    }
}
