namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>One Billing and Devices host and one payment gateway simulator for the whole suite; every test works on leases of its own.</summary>
public sealed class BillingFixture : IAsyncLifetime
{
    BillingHost? _host;

    public BillingHost Host => _host ?? throw new InvalidOperationException("The Billing host has not started.");

    public async Task InitializeAsync() => _host = await BillingHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BillingCollection : ICollectionFixture<BillingFixture>
{
    public const string Name = "Billing";
}
