using System.Text.Json;

namespace Orchestration.Simulators.Webhooks;

/// <summary>One event a simulator emitted, with every attempt to deliver it (all copies, all retries).</summary>
internal sealed class SentWebhook(string id, string type, byte[] payload, Uri? target, DateTimeOffset createdAt)
{
    readonly Lock gate = new();
    readonly List<DeliveryAttempt> attempts = [];
    bool held;

    public string Id { get; } = id;
    public string Type { get; } = type;

    /// <summary>The exact bytes signed and sent; every copy and retry sends these same bytes.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>A per-resource callback URL that takes precedence over the simulator's webhook URL.</summary>
    public Uri? Target { get; } = target;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public void Hold()
    {
        lock (gate)
            held = true;
    }

    public void Release()
    {
        lock (gate)
            held = false;
    }

    public void Record(DeliveryAttempt attempt)
    {
        lock (gate)
            attempts.Add(attempt);
    }

    public SentWebhookView ToView()
    {
        lock (gate)
        {
            return new SentWebhookView(
                Id, Type, CreatedAt, held,
                attempts.Count(a => a.Succeeded),
                [.. attempts],
                JsonSerializer.Deserialize<JsonElement>(Payload));
        }
    }
}

/// <param name="Copy">Which copy of the event (1 unless duplicates were asked for).</param>
/// <param name="StatusCode">The receiver's answer; none when it could not be reached.</param>
internal sealed record DeliveryAttempt(int Copy, int Attempt, DateTimeOffset At, Uri? Url, int? StatusCode, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

internal sealed record SentWebhookView(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    bool Held,
    int Delivered,
    IReadOnlyList<DeliveryAttempt> Attempts,
    JsonElement Payload);
