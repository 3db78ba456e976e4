using System.Diagnostics.Metrics;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>What became of a device payload: accepted, a duplicate of one accepted before, or quarantined.</summary>
public enum PayloadOutcome
{
    Accepted,
    Duplicate,
    Quarantined,
}

/// <summary>Counts every payload Devices received, by outcome (<c>orchestration.devices.payloads</c>).</summary>
public sealed class PayloadMetrics
{
    public const string MeterName = "Orchestration.Devices";
    public const string CounterName = "orchestration.devices.payloads";

    readonly Counter<long> _payloads;

    public PayloadMetrics(IMeterFactory meters) =>
        _payloads = meters.Create(MeterName).CreateCounter<long>(CounterName, unit: "{payload}",
            description: "Payloads received from devices, by outcome: accepted, duplicate or quarantined.");

    public void Counted(PayloadOutcome outcome) =>
        _payloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
}
