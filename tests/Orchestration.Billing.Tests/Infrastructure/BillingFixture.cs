namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>On SQLite, as in the standalone mode; card payments settle at once.</summary>
public sealed class BillingFixture() : HostFixture<BillingHost>(() => BillingHost.StartAsync());
