namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>One Leasing host and one set of simulators for the whole suite; every test works on leases of its own.</summary>
public sealed class LeasingFixture : IAsyncLifetime
{
    LeasingHost? _host;

    public LeasingHost Host => _host ?? throw new InvalidOperationException("The Leasing host has not started.");

    public async Task InitializeAsync() => _host = await LeasingHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LeasingCollection : ICollectionFixture<LeasingFixture>
{
    public const string Name = "Leasing";
}
