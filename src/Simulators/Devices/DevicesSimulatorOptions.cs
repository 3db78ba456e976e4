namespace Orchestration.Simulators.Devices;

/// <summary>
/// Configuration section <c>Simulators:Devices</c>. Off unless enabled, because its devices exist only once a test or a
/// person has registered them with the platform and told the simulator their passwords.
/// </summary>
public sealed class DevicesSimulatorOptions : ProviderSimulatorOptions
{
    public DevicesSimulatorOptions()
        : base("http://127.0.0.1:5096") => Enabled = false;

    /// <summary>The MQTT broker the devices connect to: RabbitMQ's MQTT plugin, or the standalone mode's embedded broker.</summary>
    public string MqttHost { get; set; } = "127.0.0.1";

    public int MqttPort { get; set; } = 1883;
}
