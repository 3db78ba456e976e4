namespace Orchestration.Billing.Tests.Reconciliation;

/// <summary>Billing hosts of the reconciliation tests' own, so that no other test's payments fall in their ranges.</summary>
public static class ReconciliationHosts
{
    public sealed class OnSqlite() : HostFixture<BillingHost>(() => BillingHost.StartAsync());

    public sealed class OnPostgres() : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync());
}
