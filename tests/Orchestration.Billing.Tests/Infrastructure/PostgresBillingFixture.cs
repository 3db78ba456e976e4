namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>On PostgreSQL; card payments settle at once.</summary>
public sealed class PostgresBillingFixture() : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync());
