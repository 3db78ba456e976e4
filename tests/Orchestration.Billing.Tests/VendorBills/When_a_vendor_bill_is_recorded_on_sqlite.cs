namespace Orchestration.Billing.Tests.VendorBills;

[Collection(BillingCollection.Name)]
public sealed class When_a_vendor_bill_is_recorded_on_sqlite(BillingFixture fixture) : When_a_vendor_bill_is_recorded(fixture.Host);
