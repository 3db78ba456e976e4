namespace Orchestration.Leasing.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class LeasingCollection : ICollectionFixture<LeasingFixture>
{
    public const string Name = "Leasing";
}
