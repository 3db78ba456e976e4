namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Removes webhook receipts older than <see cref="WebhookOptions.ReceiptRetention"/>, once an hour.
/// </summary>
/// <remarks>
/// The whole row goes after one retention, rather than the body early and the event id late: the id must outlive the
/// providers' redeliveries (days), and 30 days is ten times Stripe's; the bodies are small and few (a handful per lease),
/// so keeping them as long costs little and leaves a month to read what arrived. One plain delete, and no nullable body
/// column, which on SQLite would mean rebuilding the table.
/// </remarks>
public sealed class WebhookReceiptCleanup(WebhookReceiptStore receipts, IOptions<WebhookOptions> options, TimeProvider time,
    ILogger<WebhookReceiptCleanup> logger) : PeriodicCleanup(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var removed = await receipts.RemoveReceivedBeforeAsync(Time.GetUtcNow() - options.Value.ReceiptRetention, cancellationToken);
        if (removed > 0)
            Logger.LogInformation("Removed {Count} webhook receipts older than {Retention}", removed, options.Value.ReceiptRetention);
        return removed;
    }
}
