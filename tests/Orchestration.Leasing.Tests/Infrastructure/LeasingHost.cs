using Orchestration.Messages.Reconciliation;
using Orchestration.Platform.Storage;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>
/// The Leasing endpoint as its host builds it, in this process (<see cref="InProcessEndpoint"/>) on a SQLite file of its
/// own, calling the real screening and e-signature simulators on free ports, and recording the events its consumers
/// publish.
/// </summary>
public sealed class LeasingHost : IAsyncDisposable
{
    public const string ScreeningKey = "screening_test_simulator";
    public const string ESignatureKey = "esign_test_simulator";

    readonly InProcessEndpoint _endpoint;

    LeasingHost(InProcessEndpoint endpoint, RunningSimulators simulators)
    {
        _endpoint = endpoint;
        Simulators = simulators;
    }

    public RunningSimulators Simulators { get; }

    public PublishedEvents Published => _endpoint.Published;

    public IServiceProvider Services => _endpoint.Services;

    public static async Task<LeasingHost> StartAsync()
    {
        var simulators = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Payments = { Enabled = false },
            Mail = { Enabled = false },
            ESignature = { Url = "http://127.0.0.1:0" },
            Screening = { Url = "http://127.0.0.1:0", DecisionDelay = TimeSpan.FromMilliseconds(100) },
        }, CancellationToken.None);

        try
        {
            var endpoint = await InProcessEndpoint.StartAsync(new EndpointSetup
            {
                Name = "leasing",
                Settings =
                {
                    ["Recoverability:ImmediateRetries"] = "0",
                    ["Recoverability:DelayedRetries"] = "",
                    ["Leasing:Screening:BaseUrl"] = simulators.Screening!.ToString(),
                    ["Leasing:Screening:ApiKey"] = ScreeningKey,
                    ["Leasing:ESignature:BaseUrl"] = simulators.ESignature!.ToString(),
                    ["Leasing:ESignature:ApiKey"] = ESignatureKey,
                },
                Consumers = x => x.AddLeasingConsumers(),
                Services = builder => builder.Services.AddLeasingServices(builder.Configuration),
                Records =
                [
                    typeof(LeaseDocumentPrepared), typeof(TenantSignatureRequested), typeof(TenantSigned), typeof(LandlordCountersigned),
                    typeof(ScreeningCompleted), typeof(ProviderEventDiscrepancyRecorded),
                ],
            });
            return new LeasingHost(endpoint, simulators);
        }
        catch
        {
            await simulators.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the command to its queue and waits until the endpoint has finished with it: null when handled, else the exception.</summary>
    public Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class => _endpoint.SendAsync(command, messageId);

    /// <summary>Publishes an event as the Gateway does when a provider's webhook arrives.</summary>
    public Task PublishAsync<T>(T message)
        where T : class => _endpoint.Bus.Publish(message);

    /// <summary>Has the lease's document prepared, the step before any signature; returns the document's id.</summary>
    public async Task<Guid> DocumentPreparedAsync(Leases lease)
    {
        (await SendAsync(lease.PrepareLeaseDocument())).ShouldBeNull();
        return LeaseDocument.IdFor(lease.LeaseId);
    }

    /// <summary>
    /// The decisions the screening simulator raised for a lease reference: once the first is out, and what else came in
    /// the 300 ms after it (a second screening would decide within the same delay).
    /// </summary>
    public async Task<List<JsonElement>> ScreeningDecisionsAsync(string reference)
    {
        using var simulator = SimulatorApi.Client(Simulators.Screening!, ScreeningKey);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while ((await SimulatorApi.EventsAsync(simulator, "screening.completed", reference)).Count == 0 && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(50);
        await Task.Delay(300);
        return await SimulatorApi.EventsAsync(simulator, "screening.completed", reference);
    }

    /// <summary>Reads the endpoint's tables through its own store, in a transaction that is rolled back.</summary>
    public Task<T> ReadAsync<T>(Func<LeasingStore, SqlSession, CancellationToken, Task<T>> read) => _endpoint.ReadAsync(read);

    public async ValueTask DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await Simulators.DisposeAsync();
    }
}
