namespace Orchestration.IntegrationTests;

/// <summary>
/// A test class with a <see cref="BusWorld"/> of its own for each fact: a virtual host, a schema and the test endpoint
/// as a child process, started before the fact with <paramref name="settings"/> and removed after it. Every such class
/// is in the <see cref="BusCollection"/> (xunit takes the attribute from the base class).
/// </summary>
[Collection(BusCollection.Name)]
public abstract class BusWorldTest(string name, IDictionary<string, string>? settings = null) : IAsyncLifetime
{
    protected BusWorld World { get; private set; } = null!;

    public async Task InitializeAsync() => World = await BusWorld.StartAsync(name, settings);

    public async Task DisposeAsync() => await World.DisposeAsync();
}
