using MassTransit;

namespace Orchestration.Platform.Recoverability;

/// <summary>
/// The headers a message carries in its endpoint's error queue (<c>&lt;queue&gt;_error</c>): what failed, where, when and
/// how often. Operators group and retry failed messages by them, so code that reads them uses these names, which are
/// MassTransit's own.
/// </summary>
public static class FaultHeaders
{
    /// <summary>Full name of the innermost exception: what operators group failed messages by.</summary>
    public const string ExceptionType = MessageHeaders.FaultExceptionType;

    public const string Message = MessageHeaders.FaultMessage;

    public const string StackTrace = MessageHeaders.FaultStackTrace;

    /// <summary>The queue the message failed on; a retry sends it back there.</summary>
    public const string InputAddress = MessageHeaders.FaultInputAddress;

    public const string Timestamp = MessageHeaders.FaultTimestamp;

    /// <summary>Immediate retries made; absent when the message was not retried (an unrecoverable exception).</summary>
    public const string RetryCount = MessageHeaders.FaultRetryCount;

    /// <summary>Delayed retries made; absent when there were none.</summary>
    public const string RedeliveryCount = MessageHeaders.FaultRedeliveryCount;

    public const string ConsumerType = MessageHeaders.FaultConsumerType;

    public const string MessageType = MessageHeaders.FaultMessageType;

    /// <summary>The machine of the endpoint instance that gave up on the message.</summary>
    public const string MachineName = MessageHeaders.Host.MachineName;
}
