namespace Orchestration.Billing.Tests.Reconciliation;

public sealed class When_payments_are_reconciled_on_sqlite(ReconciliationHosts.OnSqlite fixture)
    : When_payments_are_reconciled(fixture.Host), IClassFixture<ReconciliationHosts.OnSqlite>;
