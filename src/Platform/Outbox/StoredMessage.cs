using System.Data.Common;
using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Context;
using MassTransit.Serialization;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// A serialized message waiting in SQL for the broker: an outbox row or a scheduled message. Replayed through
/// MassTransit's <see cref="OutboxMessageSendPipe"/>, so ids, headers and transport properties survive the trip.
/// </summary>
public sealed class StoredMessage : OutboxMessageContext
{
    public const string Columns =
        "message_id, content_type, message_type, body, headers, properties, conversation_id, correlation_id, initiator_id, request_id, " +
        "source_address, destination_address, response_address, fault_address, sent_time, expiration_time";

    public const string Parameters =
        "@message_id, @content_type, @message_type, @body, @headers, @properties, @conversation_id, @correlation_id, @initiator_id, @request_id, " +
        "@source_address, @destination_address, @response_address, @fault_address, @sent_time, @expiration_time";

    static readonly IObjectDeserializer Serializer = SystemTextJsonMessageSerializer.Instance;

    Headers _headers = EmptyHeaders.Instance;
    IReadOnlyDictionary<string, object> _properties = new Dictionary<string, object>();

    public long SequenceNumber { get; init; }
    public Guid MessageId { get; init; }
    public required string ContentType { get; init; }
    public required string MessageType { get; init; }
    public required string Body { get; init; }
    public string? HeadersJson { get; private set; }
    public string? PropertiesJson { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? CorrelationId { get; init; }
    public Guid? InitiatorId { get; init; }
    public Guid? RequestId { get; init; }
    public Uri? SourceAddress { get; init; }
    public required Uri DestinationAddress { get; init; }
    public Uri? ResponseAddress { get; init; }
    public Uri? FaultAddress { get; init; }
    public DateTime SentTime { get; init; }
    public DateTime? ExpirationTime { get; init; }

    Guid? MessageContext.MessageId => MessageId;
    Uri? MessageContext.DestinationAddress => DestinationAddress;
    DateTime? MessageContext.SentTime => SentTime;
    public Headers Headers => _headers;
    HostInfo MessageContext.Host => HostMetadataCache.Host;
    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties;

    public static StoredMessage From<T>(SendContext<T> context, DateTime now)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "An outgoing message needs a MessageId to be stored in the outbox.");
        if (context.DestinationAddress is not { } destination)
            throw new MessageException(typeof(T), "An outgoing message needs a destination address to be stored in the outbox.");

        string? properties = null;
        if (context is TransportSendContext<T> transport)
        {
            var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(values);
            properties = values.Count > 0 ? Serializer.SerializeDictionary(values) : null;
        }

        var message = new StoredMessage
        {
            MessageId = messageId,
            ContentType = context.ContentType?.ToString() ?? context.Serialization.DefaultContentType.ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            PropertiesJson = properties,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = destination,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            ExpirationTime = context.TimeToLive is { } ttl ? now + ttl : null,
        };
        message.SetHeaders(Serializer.SerializeDictionary(context.Headers.GetAll()));
        return message;
    }

    /// <summary>Reads the columns listed in <see cref="Columns"/>, starting at <paramref name="first"/>.</summary>
    public static StoredMessage Read(DbDataReader reader, int first, long sequenceNumber = 0)
    {
        var i = first;
        var messageId = reader.GetGuid(i++);
        var contentType = reader.GetString(i++);
        var messageType = reader.GetString(i++);
        var body = reader.GetString(i++);
        var headers = reader.GetNullableString(i++);
        var message = new StoredMessage
        {
            SequenceNumber = sequenceNumber,
            MessageId = messageId,
            ContentType = contentType,
            MessageType = messageType,
            Body = body,
            PropertiesJson = reader.GetNullableString(i++),
            ConversationId = reader.GetNullableGuid(i++),
            CorrelationId = reader.GetNullableGuid(i++),
            InitiatorId = reader.GetNullableGuid(i++),
            RequestId = reader.GetNullableGuid(i++),
            SourceAddress = ToUri(reader.GetNullableString(i++)),
            DestinationAddress = new Uri(reader.GetString(i++)),
            ResponseAddress = ToUri(reader.GetNullableString(i++)),
            FaultAddress = ToUri(reader.GetNullableString(i++)),
            SentTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i++)).UtcDateTime,
            ExpirationTime = reader.GetNullableInt64(i) is { } expires ? DateTimeOffset.FromUnixTimeMilliseconds(expires).UtcDateTime : null,
        };
        message.SetHeaders(headers);
        return message;
    }

    public void AddParameters(DbCommand command) => AddParameters((name, value) => command.With(name, value));

    public void AddParameters(DeferredWrite write) => AddParameters((name, value) => write.With(name, value));

    void AddParameters(Action<string, object?> add)
    {
        add("@message_id", MessageId);
        add("@content_type", ContentType);
        add("@message_type", MessageType);
        add("@body", Body);
        add("@headers", HeadersJson);
        add("@properties", PropertiesJson);
        add("@conversation_id", ConversationId);
        add("@correlation_id", CorrelationId);
        add("@initiator_id", InitiatorId);
        add("@request_id", RequestId);
        add("@source_address", SourceAddress?.ToString());
        add("@destination_address", DestinationAddress.ToString());
        add("@response_address", ResponseAddress?.ToString());
        add("@fault_address", FaultAddress?.ToString());
        add("@sent_time", new DateTimeOffset(DateTime.SpecifyKind(SentTime, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
        add("@expiration_time", ExpirationTime is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : null);
    }

    /// <summary>Replaces the headers (the scheduler stamps the original envelope's headers and its token this way).</summary>
    public void ReplaceHeaders(IEnumerable<KeyValuePair<string, object>> headers) => SetHeaders(Serializer.SerializeDictionary(headers));

    void SetHeaders(string? json)
    {
        HeadersJson = json;
        var values = Serializer.DeserializeDictionary<object?>(json);
        _headers = values is null ? EmptyHeaders.Instance : new DictionarySendHeaders(values);
        _properties = Serializer.DeserializeDictionary<object>(PropertiesJson) ?? new Dictionary<string, object>();
    }

    static Uri? ToUri(string? value) => string.IsNullOrEmpty(value) ? null : new Uri(value);
}
