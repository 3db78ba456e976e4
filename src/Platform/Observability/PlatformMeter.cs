using System.Diagnostics.Metrics;

namespace Orchestration.Platform.Observability;

/// <summary>
/// The platform's own instruments, beside MassTransit's: what its SQL tables hold (read by <see cref="PlatformGauges"/>)
/// and how often a saga's optimistic concurrency made a message go round again.
/// </summary>
public static class PlatformMeter
{
    public const string Name = "Orchestration.Platform";

    static readonly Meter Meter = new(Name);

    static readonly Counter<long> SagaConcurrencyConflicts = Meter.CreateCounter<long>(
        "orchestration.saga.concurrency_conflicts", description: "Saga updates that lost an optimistic-concurrency race and were retried");

    public static void SagaConcurrencyConflict(Type sagaType) =>
        SagaConcurrencyConflicts.Add(1, new KeyValuePair<string, object?>("saga", sagaType.Name));

    /// <summary>The gauges on a meter of the host's own, so that two hosts in one process each report their own tables.</summary>
    internal static Meter ObserveGauges(IMeterFactory factory, PlatformGauges gauges)
    {
        var meter = factory.Create(Name);
        meter.CreateObservableGauge("orchestration.outbox.backlog", () => gauges.Current.OutboxBacklog,
            description: "Messages committed to the outbox and not yet sent to the broker");
        meter.CreateObservableGauge("orchestration.outbox.parked", () => new[]
        {
            new Measurement<long>(gauges.Current.ParkedBusOutbox, new KeyValuePair<string, object?>("kind", "bus-outbox")),
            new Measurement<long>(gauges.Current.ParkedInbox, new KeyValuePair<string, object?>("kind", "inbox")),
        }, description: "Outbox rows parked after their delivery attempts ran out");
        meter.CreateObservableGauge("orchestration.scheduler.parked", () => gauges.Current.ParkedScheduled,
            description: "Scheduled messages parked after their delivery attempts ran out");
        meter.CreateObservableGauge("orchestration.scheduler.due", () => gauges.Current.ScheduledDue,
            description: "Scheduled messages whose time has come and that are not sent yet");
        meter.CreateObservableGauge("orchestration.scheduler.late", () => gauges.Current.ScheduledLate,
            description: "Scheduled messages still unsent well after their time");
        meter.CreateObservableGauge("orchestration.inbox.size", () => gauges.Current.InboxSize,
            description: "Rows in the inbox (duplicate detection records kept for the dedup window)");
        return meter;
    }
}
