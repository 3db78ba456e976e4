using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// The screening provider's events: <c>{"id","type","createdAt","screening":{"id","reference","decision","reason":{"code","message"}}}</c>.
/// Leasing checks that the screening is the one it requested for the lease before the decision reaches the lease.
/// </summary>
public static class ScreeningEvents
{
    public const string Route = Messages.Reconciliation.DiscrepancyProviders.Screening;

    public static WebhookEvent Read(JsonElement root, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var eventId = WebhookJson.EventId(root, body);
        var type = root.RequiredString("type", "type");
        if (type != "screening.completed")
            return new WebhookEvent(eventId, type, null);

        var screening = root.RequiredObject("screening", "screening");
        var screeningId = WebhookJson.CheckIdentifier(screening.RequiredString("id", "screening.id"), "screening.id");
        var decision = screening.RequiredString("decision", "screening.decision");
        if (decision is not ("approved" or "declined"))
            throw new InvalidWebhookException("'screening.decision' must be approved or declined.");
        var reason = Reason(screening);
        var occurredAt = root.OptionalTime("createdAt") ?? now;
        var reference = screening.OptionalString("reference");
        if (WebhookJson.LeaseId(reference) is not { } leaseId)
            return WebhookJson.Unmatched(Route, eventId, type, reference, "screening.reference", screeningId, occurredAt, now);

        return new WebhookEvent(eventId, type, new ScreeningResultReported
        {
            EventId = eventId,
            LeaseId = leaseId,
            ScreeningId = screeningId,
            Approved = decision == "approved",
            Reason = reason,
            OccurredAt = occurredAt,
            ReceivedAt = now,
        });
    }

    // The reason code is what the lease saga and the decline notice act on; a provider sending plain text is kept as is.
    static string? Reason(JsonElement screening) => screening.Property("reason") switch
    {
        { ValueKind: JsonValueKind.Object } reason => reason.OptionalString("code") ?? reason.OptionalString("message"),
        { ValueKind: JsonValueKind.String } => screening.OptionalString("reason"),
        _ => null,
    };
}
