namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// How Devices reaches its devices (section <c>Devices:Mqtt</c>). An empty <see cref="Host"/> turns MQTT off (the
/// endpoint then only records access codes). Distributed: RabbitMQ's MQTT plugin, device accounts made through its
/// management API, payloads from <see cref="IngestQueue"/> that every instance consumes. Standalone: <see cref="EmbeddedBroker"/> on, the same accounts and topic rules checked in process.
/// </summary>
public sealed class DevicesMqttOptions : IValidatableOptions
{
    public const string Section = "Devices:Mqtt";

    public string Host { get; set; } = "";
    public int Port { get; set; } = 1883;

    /// <summary>The ingestion client's own account on the broker (not a device's).</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";

    /// <summary>
    /// The MQTT client's id. Subscribed (no ingest queue), it names the persistent session where what arrives while
    /// Devices is down waits, one process's; with the ingest queue it is the prefix of each instance's own id.
    /// </summary>
    public string ClientId { get; set; } = "devices-ingestion";

    /// <summary>
    /// On RabbitMQ, the durable queue every Devices instance consumes device payloads from as a competing consumer: bound
    /// to <see cref="TopicExchange"/> with every device's events topic, declared by the endpoint. Empty: the MQTT client
    /// subscribes instead, one instance only (a broker that is not RabbitMQ). Not used with <see cref="EmbeddedBroker"/>.
    /// </summary>
    public string IngestQueue { get; set; } = "devices-mqtt-ingest";

    /// <summary>Where RabbitMQ's MQTT plugin publishes what devices send (<c>mqtt.exchange</c>) and in which virtual host (<c>mqtt.vhost</c>).</summary>
    public string TopicExchange { get; set; } = "amq.topic";
    public string VirtualHost { get; set; } = "/";

    /// <summary>RabbitMQ's AMQP port on <see cref="Host"/>, for the ingest queue; 0 takes <c>Bus:RabbitMq:Port</c> (5672).</summary>
    public int AmqpPort { get; set; }

    /// <summary>Payloads the ingest queue hands one instance before it has acknowledged them.</summary>
    public ushort IngestPrefetch { get; set; } = 64;

    /// <summary>
    /// How far behind the newest sequence a device's message may arrive and still be accepted, once: instances handle one
    /// device's messages side by side, so a message can be committed after a newer one. Older, or a sequence already
    /// accepted under another message id, is a replay.
    /// </summary>
    public int SequenceWindow { get; set; } = 1000;

    /// <summary>RabbitMQ's management API, where device accounts and their topic permissions are made. Empty: none made.</summary>
    public string ManagementUrl { get; set; } = "";
    public string ManagementUsername { get; set; } = "";
    public string ManagementPassword { get; set; } = "";

    /// <summary>Runs an MQTTnet broker in this process on 127.0.0.1:<see cref="Port"/> (the standalone mode).</summary>
    public bool EmbeddedBroker { get; set; }

    /// <summary>A larger payload is quarantined without being parsed.</summary>
    public int MaxPayloadBytes { get; set; } = 16 * 1024;

    /// <summary>A battery level at or below this opens a routine work order.</summary>
    public int LowBatteryPercent { get; set; } = 15;

    /// <summary>How long a lock has to acknowledge a command before it is sent again.</summary>
    public TimeSpan CommandAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends of one command, the first included, before it is escalated to staff.</summary>
    public int CommandAttempts { get; set; } = 3;

    /// <summary>How often, at most, a device that keeps talking is announced as seen (a battery change is announced at once).</summary>
    public TimeSpan SeenReportInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Payloads come from <see cref="IngestQueue"/> (RabbitMQ, any number of instances) rather than an MQTT subscription.</summary>
    public bool IngestsFromQueue => Enabled && !EmbeddedBroker && !string.IsNullOrWhiteSpace(IngestQueue);

    public IEnumerable<string> Problems()
    {
        if (Port is < 1 or > 65535)
            yield return $"{Section}:Port must be a TCP port (1-65535).";
        if (Enabled && (string.IsNullOrWhiteSpace(Username) || string.IsNullOrWhiteSpace(Password)) && !EmbeddedBroker)
            yield return $"{Section}:Username and {Section}:Password are the ingestion client's broker account; both are required when {Section}:Host is set.";
        if (EmbeddedBroker && !Enabled)
            yield return $"{Section}:EmbeddedBroker needs {Section}:Host (127.0.0.1) for the ingestion client.";
        if (MaxPayloadBytes is < 256 or > 1024 * 1024)
            yield return $"{Section}:MaxPayloadBytes must be from 256 to 1048576.";
        if (CommandAttempts < 1 || CommandAckTimeout <= TimeSpan.Zero)
            yield return $"{Section}:CommandAttempts must be 1 or more and {Section}:CommandAckTimeout positive.";
        if (AmqpPort is < 0 or > 65535)
            yield return $"{Section}:AmqpPort must be a TCP port (1-65535), or 0 for Bus:RabbitMq:Port.";
        if (IngestPrefetch < 1)
            yield return $"{Section}:IngestPrefetch must be 1 or more.";
        if (SequenceWindow < 0)
            yield return $"{Section}:SequenceWindow must be 0 or more.";
        if (SeenReportInterval <= TimeSpan.Zero)
            yield return $"{Section}:SeenReportInterval must be positive.";
    }
}

