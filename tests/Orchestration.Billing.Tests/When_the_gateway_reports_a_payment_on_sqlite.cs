namespace Orchestration.Billing.Tests;

[Collection(BillingCollection.Name)]
public sealed class When_the_gateway_reports_a_payment_on_sqlite(BillingFixture fixture) : When_the_gateway_reports_a_payment(fixture.Host);
