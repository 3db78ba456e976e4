namespace Orchestration.Platform.Hosting;

public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary><c>RabbitMq</c> or <c>InMemory</c> (one process only: the standalone mode and tests).</summary>
    public string Transport { get; set; } = "InMemory";

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Messages each receive endpoint handles at once; unset lets the transport choose from the prefetch count.</summary>
    public int? ConcurrentMessageLimit { get; set; }
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>Replicated quorum queues (for a RabbitMQ cluster) instead of classic queues.</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>Unacknowledged messages the broker hands each receive endpoint ahead of time.</summary>
    public ushort PrefetchCount { get; set; } = 64;
}
