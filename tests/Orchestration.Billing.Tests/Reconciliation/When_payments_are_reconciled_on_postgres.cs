namespace Orchestration.Billing.Tests.Reconciliation;

public sealed class When_payments_are_reconciled_on_postgres(ReconciliationHosts.OnPostgres fixture)
    : When_payments_are_reconciled(fixture.Host), IClassFixture<ReconciliationHosts.OnPostgres>;
