using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Orchestration.Simulators.Vendors;

/// <summary>What a simulated vendor does with a job offer: takes it, turns it down, lets it lapse, or takes it and finishes it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VendorBehaviour>))]
public enum VendorBehaviour
{
    Accept,
    Decline,
    Ignore,
    Complete,
}

/// <summary>A simulated vendor as the tests set it up: the secret it verifies our calls with, its API key, its behaviour.</summary>
public sealed record VendorSetup
{
    public required string SigningSecret { get; init; }
    public string? ApiKey { get; init; }
    public VendorBehaviour Behaviour { get; init; } = VendorBehaviour.Ignore;
    public decimal InvoiceAmount { get; init; } = 180m;
    public string Currency { get; init; } = "USD";
}

/// <summary>One event the vendor received and verified, with how many times it was delivered.</summary>
public sealed record ReceivedEvent(string EventId, string Type, string WorkOrderId, DateTimeOffset FirstReceivedAt, int Deliveries);

/// <summary>The simulated vendors by name: their setup, the events they accepted (once per event id) and the calls they refused.</summary>
internal sealed class VendorOffice(TimeProvider time)
{
    readonly ConcurrentDictionary<string, Vendor> vendors = new(StringComparer.Ordinal);

    public void SetUp(string name, VendorSetup setup) =>
        vendors.AddOrUpdate(name, _ => new Vendor(setup), (_, existing) => existing with { Setup = setup });

    public VendorSetup? Find(string name) => vendors.TryGetValue(name, out var vendor) ? vendor.Setup : null;

    public IReadOnlyList<ReceivedEvent> Events(string name) =>
        vendors.TryGetValue(name, out var vendor) ? [.. vendor.Events.Values.OrderBy(e => e.FirstReceivedAt)] : [];

    public int Refused(string name) => vendors.TryGetValue(name, out var vendor) ? vendor.RefusedCount : 0;

    public void CountRefusal(string name)
    {
        if (vendors.TryGetValue(name, out var vendor))
            Interlocked.Increment(ref vendor.RefusedCount);
    }

    /// <summary>Records the event; false when its id was seen before, which is the vendor's dedup of our repeats.</summary>
    public bool Record(string name, string eventId, string type, string workOrderId)
    {
        var vendor = vendors[name];
        var first = true;
        vendor.Events.AddOrUpdate(eventId,
            _ => new ReceivedEvent(eventId, type, workOrderId, time.GetUtcNow(), 1),
            (_, seen) =>
            {
                first = false;
                return seen with { Deliveries = seen.Deliveries + 1 };
            });
        return first;
    }

    /// <summary>
    /// Checks <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}"&gt;</c> against the vendor's secret and the
    /// tolerance; the comparison takes the same time whatever the bytes.
    /// </summary>
    public bool Verifies(VendorSetup setup, string? header, ReadOnlySpan<byte> body, TimeSpan tolerance)
    {
        if (header is null)
            return false;
        long? timestamp = null;
        string? signature = null;
        foreach (var part in header.Split(','))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
                signature = part[3..];
        }

        if (timestamp is not { } at || signature is null)
            return false;
        if (Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - at) > tolerance.TotalSeconds)
            return false;

        var expected = WebhookSignature.Create(setup.SigningSecret, at, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes($"t={at},v1={signature}"));
    }

    sealed record Vendor(VendorSetup Setup)
    {
        public ConcurrentDictionary<string, ReceivedEvent> Events { get; } = new(StringComparer.Ordinal);

        public int RefusedCount;
    }
}
