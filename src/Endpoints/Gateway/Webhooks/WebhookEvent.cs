using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>One provider event: its id (the deduplication key), its type, and the domain event it causes (null for types we do not use).</summary>
public sealed record WebhookEvent(string EventId, string Type, object? DomainEvent);

/// <summary>The body is JSON but lacks what its event type needs; the provider gets a 400 and nothing is stored.</summary>
public sealed class InvalidWebhookException(string message) : Exception(message);

static class WebhookJson
{
    public static JsonElement? Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement RequiredObject(this JsonElement element, string name, string path) =>
        element.Property(name) is { ValueKind: JsonValueKind.Object } value ? value : throw new InvalidWebhookException($"'{path}' is required.");

    /// <summary>A string member; a NUL in it is refused, since no provider sends one and PostgreSQL cannot store one.</summary>
    public static string? OptionalString(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString() is { } text && text.Contains('\0', StringComparison.Ordinal)
                ? throw new InvalidWebhookException($"'{name}' contains a NUL character.")
                : value.GetString()
            : null;

    public static string RequiredString(this JsonElement element, string name, string path) =>
        element.OptionalString(name) is { Length: > 0 } value ? value : throw new InvalidWebhookException($"'{path}' is required.");

    public static DateTimeOffset? OptionalTime(this JsonElement element, string name) =>
        element.OptionalString(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    /// <summary>
    /// The deduplication key: the body's own <c>id</c>, or, for a body without one, a hash of the body. Both are signed
    /// content, so a captured delivery replayed with other headers is the same event; a provider's retry sends the same
    /// bytes, so it is the same event too. An unsigned header (<c>X-Event-Id</c>) never decides.
    /// </summary>
    public static string EventId(JsonElement root, ReadOnlySpan<byte> body) =>
        root.Property("id") is { ValueKind: JsonValueKind.String }
            ? root.RequiredString("id", "id")
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>
    /// An id or event type as a provider sends it: at most <see cref="MaxIdentifierLength"/> characters, none of them a
    /// control character. A longer one could not be stored under the receipts' key (PostgreSQL's index rows are bounded).
    /// </summary>
    public static string CheckIdentifier(string value, string path) =>
        value.Length > MaxIdentifierLength ? throw new InvalidWebhookException($"'{path}' is longer than {MaxIdentifierLength} characters.")
        : value.Any(char.IsControl) ? throw new InvalidWebhookException($"'{path}' contains a control character.")
        : value;

    public const int MaxIdentifierLength = 255;

    /// <summary>Leasing sends <c>lease-{id:N}</c> as the provider reference (LeaseReference.Of); a bare lease id is accepted too.</summary>
    public static Guid LeaseId(string? reference, string path) =>
        LeaseId(reference) ?? throw new InvalidWebhookException($"'{path}' must identify a lease (lease-<id>).");

    public static Guid? LeaseId(string? reference)
    {
        const string prefix = "lease-";
        var text = reference is not null && reference.StartsWith(prefix, StringComparison.Ordinal) ? reference[prefix.Length..] : reference;
        return Guid.TryParse(text, out var leaseId) && leaseId != Guid.Empty ? leaseId : null;
    }

    /// <summary>
    /// A signed event whose reference names no lease: the provider's, but nothing of ours. Kept and reported for
    /// reconciliation rather than refused, which would only make the provider retry it for days.
    /// </summary>
    public static WebhookEvent Unmatched(string route, string eventId, string type, string? reference, string path, string? providerReference,
        DateTimeOffset occurredAt, DateTimeOffset now) =>
        new(eventId, type, new ProviderEventDiscrepancyRecorded
        {
            Provider = route,
            EventId = eventId,
            EventType = type,
            Kind = DiscrepancyKinds.Unmatched,
            Reason = reference is null ? $"'{path}' is missing, so the event names no lease." : $"'{path}' does not name a lease (lease-<id>).",
            ProviderReference = providerReference,
            OccurredAt = occurredAt,
            RecordedAt = now,
        });
}
