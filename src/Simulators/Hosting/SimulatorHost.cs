using Orchestration.Simulators.Devices;
using Orchestration.Simulators.ESignature;
using Orchestration.Simulators.Mail;
using Orchestration.Simulators.Payments;
using Orchestration.Simulators.Screening;
using Orchestration.Simulators.Vendors;

namespace Orchestration.Simulators.Hosting;

/// <summary>
/// Starts the enabled simulators, each as its own Kestrel application on its own loopback port, so that the code
/// under test reaches them over real HTTP exactly as it would reach the third party.
/// </summary>
public static class SimulatorHost
{
    public static Task<RunningSimulators> StartAsync(SimulatorOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, loggerFactory: null, timeProvider: null, cancellationToken);

    /// <param name="loggerFactory">Where the simulators log; none keeps them silent (tests).</param>
    /// <param name="timeProvider">The simulators' clock (webhook timestamps, delays); the system clock when none.</param>
    public static async Task<RunningSimulators> StartAsync(
        SimulatorOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runtime = new SimulatorRuntime(timeProvider ?? TimeProvider.System, loggerFactory);
        var started = new List<StartedSimulator>();
        try
        {
            await Start(PaymentsSimulator.Name, options.Payments, PaymentsSimulator.AddServices, PaymentsSimulator.Map);
            await Start(ESignatureSimulator.Name, options.ESignature, ESignatureSimulator.AddServices, ESignatureSimulator.Map);
            await Start(ScreeningSimulator.Name, options.Screening, ScreeningSimulator.AddServices, ScreeningSimulator.Map);
            await Start(MailSimulator.Name, options.Mail, (services, _) => MailSimulator.AddServices(services),
                MailSimulator.Map);
            await Start(VendorsSimulator.Name, options.Vendors, VendorsSimulator.AddServices, VendorsSimulator.Map);
            await Start(DevicesSimulator.Name, options.Devices, DevicesSimulator.AddServices, DevicesSimulator.Map);
        }
        catch
        {
            // A port already taken must not leave the simulators started before it listening.
            await new RunningSimulators(started).DisposeAsync();
            throw;
        }

        return new RunningSimulators(started);

        // A disabled simulator is skipped; an enabled one finds its options in its container, beside its services.
        async Task Start<TOptions>(string name, TOptions simulator, Action<IServiceCollection, TOptions> addServices,
            Action<WebApplication> map)
            where TOptions : ProviderSimulatorOptions
        {
            if (!simulator.Enabled)
                return;
            started.Add(await SimulatorApplication.StartAsync(name, simulator.Url, runtime, services =>
            {
                services.AddSingleton(simulator);
                addServices(services, simulator);
            }, map, cancellationToken));
        }
    }
}
