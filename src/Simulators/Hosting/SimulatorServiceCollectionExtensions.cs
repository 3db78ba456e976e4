namespace Orchestration.Simulators.Hosting;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Runs the simulators enabled in the <c>Simulators</c> section for as long as the host runs, each on its own
    /// port, logging through the host's logger factory.
    /// </summary>
    public static IServiceCollection AddSimulators(this IServiceCollection services, IConfiguration configuration)
    {
        var options = SimulatorOptions.FromConfiguration(configuration);
        services.AddHostedService(provider => new SimulatorsHostedService(
            options, provider.GetRequiredService<ILoggerFactory>(), provider.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}

internal sealed class SimulatorsHostedService(SimulatorOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider) : IHostedService
{
    RunningSimulators? simulators;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        simulators = await SimulatorHost.StartAsync(options, loggerFactory, timeProvider, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (simulators is not null)
            await simulators.DisposeAsync();
    }
}
