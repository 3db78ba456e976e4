using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>The states of a failed message, in the order a successful retry passes them.</summary>
public static class FailedMessageStatus
{
    public const string Unresolved = "Unresolved";
    public const string RetryRequested = "RetryRequested";
    public const string RetrySent = "RetrySent";
    public const string Resolved = "Resolved";
    public const string Archived = "Archived";
}

/// <summary>One copy taken off an error queue: its id, transport headers and body, as the transport handed it over.</summary>
public sealed record ErrorQueueCopy(Guid MessageId, string Queue, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType);

/// <summary>A failed message as the store keeps it.</summary>
public sealed record FailedMessageRecord(
    Guid MessageId, long Version, string Status, string MessageType, string Endpoint, string InputQueue, string Host, string ExceptionType,
    string ExceptionMessage, string StackTrace, string ExceptionGroup, string Headers, string Body, string? ContentType, DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt, int TimesFailed, DateTimeOffset? RetryRequestedAt, DateTimeOffset? RetriedAt, DateTimeOffset? ResolvedAt,
    DateTimeOffset? ArchivedAt, Guid? ReplacedBy)
{
    public IReadOnlyDictionary<string, string> HeaderValues => FailureHeaders.Parse(Headers);

    public FailedMessageChanged Changed(TimeSpan retention) => new()
    {
        MessageId = MessageId, Version = Version, Status = Status, MessageType = MessageType, Endpoint = Endpoint, InputQueue = InputQueue,
        Host = Host, ExceptionType = ExceptionType, ExceptionMessage = ExceptionMessage, StackTrace = StackTrace, ExceptionGroup = ExceptionGroup,
        Headers = HeaderValues, Body = Body, FirstFailedAt = FirstFailedAt, LastFailedAt = LastFailedAt, TimesFailed = TimesFailed,
        RetriedAt = RetriedAt, ResolvedAt = ResolvedAt, ArchivedAt = ArchivedAt, ReplacedBy = ReplacedBy,
        ExpiresAt = (ArchivedAt ?? ResolvedAt) is { } since ? since + retention : null,
    };
}

/// <summary>What a failure's fault headers say, read once when the copy is stored.</summary>
public sealed record Failure(
    Guid MessageId, string FaultKey, string MessageType, string Endpoint, string InputQueue, string Host, string ExceptionType, string ExceptionMessage,
    string StackTrace, string ExceptionGroup, string Headers, string Body, string? ContentType, DateTimeOffset FailedAt)
{
    /// <summary>
    /// Reads a copy from <c>&lt;queue&gt;_error</c>. The fault time (with the redelivery count) tells one failure from the
    /// next of the same message, so a copy stored and then delivered again by the broker is recognised as the same failure.
    /// </summary>
    public static Failure From(ErrorQueueCopy copy, DateTimeOffset now)
    {
        var headers = copy.Headers;
        string Header(string name) => headers.TryGetValue(name, out var value) ? value : "";
        var failedAt = DateTimeOffset.TryParse(Header(FaultHeaders.Timestamp), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : now;
        var inputQueue = Uri.TryCreate(Header(FaultHeaders.InputAddress), UriKind.Absolute, out var input) && input.Segments.Length > 0
            ? input.Segments[^1].Trim('/')
            : copy.Queue.EndsWith("_error", StringComparison.Ordinal) ? copy.Queue[..^"_error".Length] : copy.Queue;
        var exceptionType = Header(FaultHeaders.ExceptionType) is { Length: > 0 } type ? type : "Unknown";
        var stackTrace = Header(FaultHeaders.StackTrace);
        var messageType = Header(FaultHeaders.MessageType).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault()?.Replace("urn:message:", "", StringComparison.Ordinal) ?? "";
        var endpoint = Header("MT-Host-Assembly") is { Length: > 0 } assembly ? assembly : inputQueue;
        var faultKey = $"{Header(FaultHeaders.Timestamp)}|{Header(FaultHeaders.RedeliveryCount)}";
        if (faultKey == "|")
            faultKey = Convert.ToHexString(SHA256.HashData(copy.Body))[..32];
        return new Failure(copy.MessageId, faultKey, messageType, endpoint, inputQueue, Header(FaultHeaders.MachineName), exceptionType,
            Header(FaultHeaders.Message), stackTrace, ExceptionGroupOf(exceptionType, stackTrace), FailureHeaders.Write(headers),
            Encoding.UTF8.GetString(copy.Body), copy.ContentType, failedAt);
    }

    /// <summary>
    /// The default group: the exception type and its stack trace without what differs between builds and calls (file
    /// paths and line numbers, IL offsets and addresses, generic arguments, compiler-generated suffixes), hashed.
    /// </summary>
    public static string ExceptionGroupOf(string exceptionType, string stackTrace)
    {
        var frames = stackTrace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("at ", StringComparison.Ordinal))
            .Select(StackNoise.Normalise)
            .Take(10);
        var key = exceptionType + "\n" + string.Join("\n", frames);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
    }
}

static partial class StackNoise
{
    public static string Normalise(string frame)
    {
        frame = Location().Replace(frame, "");
        frame = Offset().Replace(frame, "");
        frame = GenericArguments().Replace(frame, "");
        frame = Generated().Replace(frame, "");
        return frame;
    }

    [GeneratedRegex(@" in .*$")]
    private static partial Regex Location();

    [GeneratedRegex(@"(\+0x[0-9a-fA-F]+|:line \d+|:\d+)")]
    private static partial Regex Offset();

    [GeneratedRegex(@"\[[^\]]*\]|`\d+")]
    private static partial Regex GenericArguments();

    [GeneratedRegex(@"<[^>]*>[a-z]__\w+|\|\d+_\d+")]
    private static partial Regex Generated();
}

/// <summary>Transport headers kept as a JSON object of strings; the fault headers are the ones a retry leaves behind.</summary>
public static class FailureHeaders
{
    public static IReadOnlyDictionary<string, string> WithoutFaults(IReadOnlyDictionary<string, string> headers) =>
        headers.Where(h => !FailedMessageHeaders.IsFault(h.Key)).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

    public static string Write(IReadOnlyDictionary<string, string> headers) => System.Text.Json.JsonSerializer.Serialize(headers);

    public static IReadOnlyDictionary<string, string> Parse(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
