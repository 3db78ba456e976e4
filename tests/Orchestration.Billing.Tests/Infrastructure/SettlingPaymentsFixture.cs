namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// On PostgreSQL, with payments that answer <c>processing</c> and settle <see cref="SettlementDelay"/> later (as bank
/// debits do), and with delayed retries through the durable scheduler hosted in the same process.
/// </summary>
public sealed class SettlingPaymentsFixture() : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync(
    new Dictionary<string, string?>
    {
        ["Recoverability:DelayedRetries"] = "00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01",
        ["Scheduler:Host"] = "true",
        ["Scheduler:PollInterval"] = "00:00:00.200",
    },
    gateway => gateway.SettlementDelay = SettlementDelay))
{
    public static readonly TimeSpan SettlementDelay = TimeSpan.FromSeconds(3);
}
