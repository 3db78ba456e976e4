using Orchestration.Simulators.ESignature;
using Orchestration.Simulators.Mail;
using Orchestration.Simulators.Payments;
using Orchestration.Simulators.Screening;

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
            if (options.Payments.Enabled)
                started.Add(await SimulatorApplication.StartAsync(PaymentsSimulator.Name, options.Payments.Url, runtime,
                    services => PaymentsSimulator.AddServices(services, options.Payments), PaymentsSimulator.Map, cancellationToken));
            if (options.ESignature.Enabled)
                started.Add(await SimulatorApplication.StartAsync(ESignatureSimulator.Name, options.ESignature.Url, runtime,
                    services => ESignatureSimulator.AddServices(services, options.ESignature), ESignatureSimulator.Map, cancellationToken));
            if (options.Screening.Enabled)
                started.Add(await SimulatorApplication.StartAsync(ScreeningSimulator.Name, options.Screening.Url, runtime,
                    services => ScreeningSimulator.AddServices(services, options.Screening), ScreeningSimulator.Map, cancellationToken));
            if (options.Mail.Enabled)
                started.Add(await SimulatorApplication.StartAsync(MailSimulator.Name, options.Mail.Url, runtime,
                    services => MailSimulator.AddServices(services, options.Mail), MailSimulator.Map, cancellationToken));
        }
        catch
        {
            // A port already taken must not leave the simulators started before it listening.
            await new RunningSimulators(started).DisposeAsync();
            throw;
        }

        return new RunningSimulators(started);
    }
}
