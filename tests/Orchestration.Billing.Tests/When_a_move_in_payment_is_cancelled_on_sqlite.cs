namespace Orchestration.Billing.Tests;

[Collection(BillingCollection.Name)]
public sealed class When_a_move_in_payment_is_cancelled_on_sqlite(BillingFixture fixture) : When_a_move_in_payment_is_cancelled(fixture.Host);
