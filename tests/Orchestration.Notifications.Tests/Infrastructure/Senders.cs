namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>The provider a configuration selects, resolved from the endpoint's own service registrations.</summary>
public sealed class Senders : IAsyncDisposable
{
    readonly ServiceProvider _services;
    readonly AsyncServiceScope _scope;

    public Senders(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection().AddLogging().AddNotificationsServices(configuration).BuildServiceProvider(validateScopes: true);
        _scope = _services.CreateAsyncScope();
        Sender = _scope.ServiceProvider.GetRequiredService<IEmailSender>();
    }

    public IEmailSender Sender { get; }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
    }
}
