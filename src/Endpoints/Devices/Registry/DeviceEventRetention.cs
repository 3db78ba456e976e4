namespace Orchestration.Endpoints.Devices.Registry;

/// <summary>How long Devices keeps what devices sent (section <c>Devices</c>).</summary>
public sealed class DeviceRetentionOptions : IValidatableOptions
{
    public const string Section = "Devices";

    /// <summary>Days a device message id (for deduplication) and a quarantined payload are kept.</summary>
    public int EventRetentionDays { get; set; } = 30;

    public IEnumerable<string> Problems()
    {
        if (EventRetentionDays is < 1 or > 3650)
            yield return $"{Section}:EventRetentionDays must be from 1 to 3650.";
    }
}

/// <summary>
/// Removes device messages and quarantined payloads older than <see cref="DeviceRetentionOptions.EventRetentionDays"/>,
/// once an hour. A device message id is kept only to drop a device's repeats, which come within minutes; a replay older
/// than the retention is still refused by the device's sequence. The registry, alarms and lock commands are kept: they
/// are state, not events (a lease's code is revoked, months later, by its issue command).
/// </summary>
public sealed class DeviceEventRetention(DeviceRegistry registry, IOptions<DeviceRetentionOptions> options, TimeProvider time,
    ILogger<DeviceEventRetention> logger) : PeriodicCleanup(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var retention = TimeSpan.FromDays(options.Value.EventRetentionDays);
        var removed = await registry.RemoveEventsBeforeAsync(Time.GetUtcNow() - retention, cancellationToken);
        if (removed > 0)
            Logger.LogInformation("Removed {Count} device messages and quarantined payloads older than {Retention}", removed, retention);
        return removed;
    }
}
