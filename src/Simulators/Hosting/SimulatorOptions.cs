using Orchestration.Simulators.Devices;
using Orchestration.Simulators.ESignature;
using Orchestration.Simulators.Mail;
using Orchestration.Simulators.Payments;
using Orchestration.Simulators.Screening;
using Orchestration.Simulators.Vendors;

namespace Orchestration.Simulators.Hosting;

/// <summary>Which simulators run, where, and how they behave; bound from the <c>Simulators</c> configuration section.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulators";

    public PaymentsSimulatorOptions Payments { get; set; } = new();
    public ESignatureSimulatorOptions ESignature { get; set; } = new();
    public ScreeningSimulatorOptions Screening { get; set; } = new();
    public MailSimulatorOptions Mail { get; set; } = new();
    public VendorsSimulatorOptions Vendors { get; set; } = new();
    public DevicesSimulatorOptions Devices { get; set; } = new();

    public static SimulatorOptions FromConfiguration(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<SimulatorOptions>() ?? new SimulatorOptions();
}
