namespace Orchestration.Billing.Tests.VendorBills;

public sealed class When_a_vendor_bill_is_recorded_on_postgres(PostgresBillingFixture fixture)
    : When_a_vendor_bill_is_recorded(fixture.Host), IClassFixture<PostgresBillingFixture>;
