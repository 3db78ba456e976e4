namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>A test class of the Billing endpoint on SQLite: its tests share the suite's one host, each on leases of its own.</summary>
[Collection(BillingCollection.Name)]
public abstract class BillingTest(BillingFixture fixture)
{
    protected BillingHost Host { get; } = fixture.Host;
}
