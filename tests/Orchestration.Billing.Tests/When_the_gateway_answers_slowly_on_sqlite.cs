namespace Orchestration.Billing.Tests;

[Collection(BillingCollection.Name)]
public sealed class When_the_gateway_answers_slowly_on_sqlite(BillingFixture fixture) : When_the_gateway_answers_slowly(fixture.Host);
