namespace Orchestration.Simulators.Hosting;

/// <summary>The simulators started by <see cref="SimulatorHost"/>; disposing stops them and frees their ports.</summary>
public sealed class RunningSimulators : IAsyncDisposable
{
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    readonly IReadOnlyList<StartedSimulator> simulators;

    internal RunningSimulators(IReadOnlyList<StartedSimulator> simulators)
    {
        this.simulators = simulators;
        Urls = simulators.ToDictionary(s => s.Name, s => s.BaseUrl, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Base URL of each running simulator by name (<c>Payments</c>, <c>ESignature</c>, <c>Screening</c>, <c>Mail</c>, <c>Vendors</c>).</summary>
    public IReadOnlyDictionary<string, Uri> Urls { get; }

    public Uri? Payments => Urls.GetValueOrDefault("Payments");
    public Uri? ESignature => Urls.GetValueOrDefault("ESignature");
    public Uri? Screening => Urls.GetValueOrDefault("Screening");
    public Uri? Mail => Urls.GetValueOrDefault("Mail");
    public Uri? Vendors => Urls.GetValueOrDefault("Vendors");

    public async ValueTask DisposeAsync()
    {
        foreach (var simulator in simulators.Reverse())
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await simulator.Application.StopAsync(timeout.Token);
            await simulator.Application.DisposeAsync();
        }
    }
}

internal sealed record StartedSimulator(string Name, Uri BaseUrl, WebApplication Application);
