namespace Orchestration.Billing.Tests;

public sealed class When_a_move_in_payment_is_cancelled_on_postgres(PostgresBillingFixture fixture)
    : When_a_move_in_payment_is_cancelled(fixture.Host), IClassFixture<PostgresBillingFixture>;
