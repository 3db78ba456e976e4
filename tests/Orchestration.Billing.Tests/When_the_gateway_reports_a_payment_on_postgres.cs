namespace Orchestration.Billing.Tests;

public sealed class When_the_gateway_reports_a_payment_on_postgres(PostgresBillingFixture fixture)
    : When_the_gateway_reports_a_payment(fixture.Host), IClassFixture<PostgresBillingFixture>;
