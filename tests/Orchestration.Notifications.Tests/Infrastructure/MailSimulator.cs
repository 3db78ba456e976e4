using Orchestration.Simulators.Hosting;

namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>The simulators with only the SendGrid-compatible mail simulator on, on a free port.</summary>
public static class MailSimulator
{
    public static Task<RunningSimulators> StartAsync()
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = false;
        options.ESignature.Enabled = false;
        options.Screening.Enabled = false;
        options.Mail.Url = "http://127.0.0.1:0";
        return SimulatorHost.StartAsync(options, CancellationToken.None);
    }
}
