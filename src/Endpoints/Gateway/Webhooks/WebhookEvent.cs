using System.Globalization;
using System.Text.Json;

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

    public static string? OptionalString(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static string RequiredString(this JsonElement element, string name, string path) =>
        element.OptionalString(name) is { Length: > 0 } value ? value : throw new InvalidWebhookException($"'{path}' is required.");

    public static DateTimeOffset? OptionalTime(this JsonElement element, string name) =>
        element.OptionalString(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    /// <summary>Leasing sends <c>lease-{id:N}</c> as the provider reference (LeaseReference.Of); a bare lease id is accepted too.</summary>
    public static Guid LeaseId(string? reference, string path)
    {
        const string prefix = "lease-";
        var text = reference is not null && reference.StartsWith(prefix, StringComparison.Ordinal) ? reference[prefix.Length..] : reference;
        return Guid.TryParse(text, out var leaseId) && leaseId != Guid.Empty
            ? leaseId
            : throw new InvalidWebhookException($"'{path}' must identify a lease (lease-<id>).");
    }
}
