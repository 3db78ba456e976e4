namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// One Billing and Devices host with its own payment gateway simulator, shared by the tests of a class or collection;
/// every test works on leases of its own.
/// </summary>
public abstract class BillingHostFixture(Func<Task<BillingHost>> start) : IAsyncLifetime
{
    BillingHost? _host;

    public BillingHost Host => _host ?? throw new InvalidOperationException("The Billing host has not started.");

    public async Task InitializeAsync() => _host = await start();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>On SQLite, as in the standalone mode; card payments settle at once.</summary>
public sealed class BillingFixture() : BillingHostFixture(() => BillingHost.StartAsync());

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingFixture>
{
    public const string Name = "Billing";
}

/// <summary>On PostgreSQL; card payments settle at once.</summary>
public sealed class PostgresBillingFixture() : BillingHostFixture(() => BillingHost.StartOnPostgresAsync());

/// <summary>
/// On PostgreSQL, with payments that answer <c>processing</c> and settle <see cref="SettlementDelay"/> later (as bank
/// debits do), and with delayed retries through the durable scheduler hosted in the same process.
/// </summary>
public sealed class SettlingPaymentsFixture() : BillingHostFixture(() => BillingHost.StartOnPostgresAsync(
    new Dictionary<string, string?>
    {
        ["Recoverability:DelayedRetries"] = "00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01, 00:00:01",
        ["Scheduler:Host"] = "true",
        ["Scheduler:PollInterval"] = "00:00:00.200",
    },
    gateway => gateway.SettlementDelay = SettlementDelay))
{
    public static readonly TimeSpan SettlementDelay = TimeSpan.FromSeconds(2);
}

/// <summary>On PostgreSQL, charging a saved card the gateway declines, so that the tenant has to pay with another one.</summary>
public sealed class DeclinedCardFixture() : BillingHostFixture(() => BillingHost.StartOnPostgresAsync(
    new Dictionary<string, string?> { ["Billing:Payments:PaymentMethod"] = "pm_card_chargeDeclined" }));
