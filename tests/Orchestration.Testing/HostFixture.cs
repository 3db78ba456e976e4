namespace Orchestration.Testing;

/// <summary>
/// One host shared by the tests of a class or collection (xunit's class and collection fixtures), started before the
/// first and disposed after the last; every test works on data of its own.
/// </summary>
public abstract class HostFixture<THost>(Func<Task<THost>> start) : IAsyncLifetime
    where THost : class, IAsyncDisposable
{
    THost? _host;

    public THost Host => _host ?? throw new InvalidOperationException($"The {typeof(THost).Name} has not started.");

    public async Task InitializeAsync() => _host = await start();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
