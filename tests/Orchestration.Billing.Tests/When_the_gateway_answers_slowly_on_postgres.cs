namespace Orchestration.Billing.Tests;

public sealed class When_the_gateway_answers_slowly_on_postgres(PostgresBillingFixture fixture)
    : When_the_gateway_answers_slowly(fixture.Host), IClassFixture<PostgresBillingFixture>;
