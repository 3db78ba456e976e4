using System.Text.Json;
using MassTransit;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Heartbeats;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Platform.SagaAudit;

/// <summary>
/// Turns one saga step into a <see cref="SagaStep"/> and records it in the step's transaction. It reads what the step
/// already has at hand: the instance's JSON as loaded and as about to be written (compared property by property as JSON,
/// no reflection), the messages the outbox captured from the step (schedule and cancel requests are the timeouts), and
/// the scheduling token of a message that is a timeout firing.
/// </summary>
public sealed class SagaAuditRecorder(SagaAuditStore store, IOptions<SagaAuditOptions> options, EndpointIdentity endpoint, TimeProvider time)
{
    const string ScheduleMessageType = "urn:message:MassTransit.Scheduling:ScheduleMessage";
    const string CancelScheduledMessageType = "urn:message:MassTransit.Scheduling:CancelScheduledMessage";

    // Shown by the step's outcome and version, not as property changes.
    static readonly HashSet<string> Bookkeeping = new(StringComparer.OrdinalIgnoreCase) { "CurrentState", "Version", "CorrelationId" };

    /// <summary>
    /// The most characters of a property's JSON a step keeps; a longer value (a list the saga keeps growing) is cut here and
    /// ends with "…", so a step costs about the same however large the instance grows.
    /// </summary>
    public const int MaxValueLength = 256;

    public bool Enabled { get; } = options.Value.Enabled;

    public void Record<TMessage>(SqlSession session, ConsumeContext<TMessage> context, Type sagaType, Guid correlationId, int version,
        SagaStepOutcome outcome, string? stateBefore, string? stateAfter, string? before, string? after)
        where TMessage : class
    {
        var timeouts = new List<SagaTimeout>();
        var sent = new List<SagaSentMessage>();
        if ((context.Headers.Get<string>(ScheduleMessageConsumer.FiredTokenIdHeader) ?? context.Headers.Get<string>(ScheduleMessageConsumer.TokenIdHeader))
            is { } token && Guid.TryParse(token, out var fired))
            timeouts.Add(new SagaTimeout { Action = SagaTimeoutAction.Fired, TokenId = fired, MessageType = typeof(TMessage).FullName });

        if (context.TryGetPayload<SqlOutboxConsumeContext<TMessage>>(out var outbox))
        {
            foreach (var message in outbox.Captured)
            {
                if (message.MessageType.StartsWith(ScheduleMessageType, StringComparison.Ordinal))
                    timeouts.Add(Requested(message));
                else if (message.MessageType.StartsWith(CancelScheduledMessageType, StringComparison.Ordinal))
                    timeouts.Add(Cancelled(message));
                else
                    sent.Add(new SagaSentMessage
                    {
                        MessageId = message.MessageId, MessageType = FirstType(message.MessageType), Destination = message.DestinationAddress.ToString(),
                    });
            }
        }

        store.Record(session, new SagaStep
        {
            StepId = NewId.NextGuid(),
            Endpoint = endpoint.Endpoint,
            SagaType = sagaType.Name,
            CorrelationId = correlationId,
            Version = version,
            At = time.GetUtcNow(),
            Outcome = outcome,
            MessageId = context.MessageId,
            MessageType = typeof(TMessage).FullName ?? typeof(TMessage).Name,
            ConversationId = context.ConversationId,
            InitiatorId = context.InitiatorId,
            StateBefore = stateBefore,
            StateAfter = stateAfter,
            Changes = Changes(before, after),
            Timeouts = timeouts,
            Sent = sent,
        });
    }

    /// <summary>The top-level properties whose JSON differs between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static List<SagaPropertyChange> Changes(string? before, string? after)
    {
        var changes = new List<SagaPropertyChange>();
        using var old = before is null ? null : JsonDocument.Parse(before);
        using var now = after is null ? null : JsonDocument.Parse(after);
        var oldValues = new Dictionary<string, string>(StringComparer.Ordinal);
        if (old is not null)
            foreach (var property in old.RootElement.EnumerateObject())
                oldValues[property.Name] = property.Value.GetRawText();

        if (now is not null)
        {
            foreach (var property in now.RootElement.EnumerateObject())
            {
                if (Bookkeeping.Contains(property.Name))
                    continue;
                var value = property.Value.GetRawText();
                var had = oldValues.Remove(property.Name, out var previous);
                if (had ? previous != value : property.Value.ValueKind != JsonValueKind.Null)
                    changes.Add(new SagaPropertyChange { Name = property.Name, Before = Cut(previous), After = Cut(value) });
            }
        }

        foreach (var (name, previous) in oldValues)
            if (now is not null && !Bookkeeping.Contains(name))
                changes.Add(new SagaPropertyChange { Name = name, Before = Cut(previous), After = null });
        return changes;
    }

    static string? Cut(string? value) => value is { Length: > MaxValueLength } ? string.Concat(value.AsSpan(0, MaxValueLength), "…") : value;

    static SagaTimeout Requested(StoredMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        var schedule = body.RootElement.GetProperty("message");
        return new SagaTimeout
        {
            Action = SagaTimeoutAction.Requested,
            TokenId = Read(schedule, "correlationId")?.GetGuid() ?? Guid.Empty,
            MessageType = Read(schedule, "payloadType") is { ValueKind: JsonValueKind.Array } types && types.GetArrayLength() > 0
                ? FirstType(types[0].GetString() ?? "")
                : null,
            DueAt = Read(schedule, "scheduledTime") is { ValueKind: JsonValueKind.String } due && due.TryGetDateTimeOffset(out var at) ? at : null,
        };
    }

    static SagaTimeout Cancelled(StoredMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return new SagaTimeout
        {
            Action = SagaTimeoutAction.Cancelled,
            TokenId = Read(body.RootElement.GetProperty("message"), "tokenId")?.GetGuid() ?? Guid.Empty,
        };
    }

    static JsonElement? Read(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) || element.TryGetProperty(char.ToUpperInvariant(name[0]) + name[1..], out value) ? value : null;

    // "urn:message:Namespace:Type;urn:message:…" → "Namespace.Type", the way the audit names the arriving message.
    static string FirstType(string messageTypes)
    {
        var first = messageTypes.Split(';', 2)[0];
        return first.StartsWith("urn:message:", StringComparison.Ordinal) ? first["urn:message:".Length..].Replace(':', '.') : first;
    }
}
