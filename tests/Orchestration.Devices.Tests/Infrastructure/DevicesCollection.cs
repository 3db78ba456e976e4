namespace Orchestration.Devices.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class DevicesCollection : ICollectionFixture<DevicesFixture>
{
    public const string Name = "Devices";
}
