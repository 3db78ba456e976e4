namespace Orchestration.Billing.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingFixture>
{
    public const string Name = "Billing";
}
