namespace Orchestration.Billing.Tests.Reconciliation;

/// <summary>
/// Billing hosts of the reconciliation tests' own, so that no other test's payments fall in their ranges; their runs
/// email <see cref="Accountant"/> when they find anything.
/// </summary>
public static class ReconciliationHosts
{
    public const string Accountant = "accounts@example.com";

    static readonly Dictionary<string, string?> Settings = new() { ["Billing:Reconciliation:AccountantEmails:0"] = Accountant };

    public sealed class OnSqlite() : HostFixture<BillingHost>(() => BillingHost.StartAsync(Settings));

    public sealed class OnPostgres() : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync(Settings));
}
