using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>The screening provider's events: <c>{"id","type","createdAt","screening":{"id","reference","decision","reason":{"code","message"}}}</c>.</summary>
public static class ScreeningEvents
{
    public static WebhookEvent Read(JsonElement root, string? eventIdHeader)
    {
        var eventId = root.OptionalString("id") ?? eventIdHeader ?? throw new InvalidWebhookException("'id' is required.");
        var type = root.RequiredString("type", "type");
        if (type != "screening.completed")
            return new WebhookEvent(eventId, type, null);

        var screening = root.RequiredObject("screening", "screening");
        var decision = screening.RequiredString("decision", "screening.decision");
        if (decision is not ("approved" or "declined"))
            throw new InvalidWebhookException($"'screening.decision' must be approved or declined, not '{decision}'.");

        return new WebhookEvent(eventId, type, new ScreeningCompleted
        {
            LeaseId = WebhookJson.LeaseId(screening.OptionalString("reference"), "screening.reference"),
            Approved = decision == "approved",
            Reason = Reason(screening),
            ScreeningId = screening.RequiredString("id", "screening.id"),
        });
    }

    // The reason code is what the lease saga and the decline notice act on; a provider sending plain text is kept as is.
    static string? Reason(JsonElement screening) => screening.Property("reason") switch
    {
        { ValueKind: JsonValueKind.Object } reason => reason.OptionalString("code") ?? reason.OptionalString("message"),
        { ValueKind: JsonValueKind.String } reason => reason.GetString(),
        _ => null,
    };
}
