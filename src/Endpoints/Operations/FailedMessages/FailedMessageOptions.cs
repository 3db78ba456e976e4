using System.ComponentModel.DataAnnotations;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>The failed-message workbench's settings (<c>Operations:…</c>).</summary>
public sealed class FailedMessageOptions
{
    public const string Section = "Operations";

    public RetryOptions Retry { get; set; } = new();
    public ArchiveOptions Archive { get; set; } = new();
    public IngestionOptions Ingestion { get; set; } = new();

    /// <summary>Archived and resolved messages are deleted this many days after they were archived or resolved.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 14;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);

    public sealed class RetryOptions
    {
        /// <summary>How many failed messages a retry sends back per second, whatever was asked for at once.</summary>
        [Range(0.1, 10_000)]
        public double MessagesPerSecond { get; set; } = 10;

        /// <summary>
        /// A retried message that has not come back to an error queue this long after it was sent is resolved: longer than
        /// the recoverability policy's immediate and delayed retries take (10 + 20 + 30 s by default).
        /// </summary>
        public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromMinutes(2);
    }

    public sealed class ArchiveOptions
    {
        /// <summary>Unresolved messages that last failed this many days ago are archived; none when not set.</summary>
        public int? AfterDays { get; set; }

        /// <summary>Message types (full names) whose failures are archived as soon as they are stored.</summary>
        public List<string> MessageTypes { get; set; } = [];
    }

    public sealed class IngestionOptions
    {
        /// <summary>How often the broker is asked for new error queues (RabbitMQ), or the parked copies are read (in memory).</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>RabbitMQ's management API, from which the error queues (<c>*_error</c>) of every endpoint are listed.</summary>
        public string ManagementUrl { get; set; } = "http://127.0.0.1:15672";
    }
}
