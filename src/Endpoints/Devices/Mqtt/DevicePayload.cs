using System.Text.Json;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// One message a device publishes on its events topic, as JSON:
/// <c>{"messageId":"…","sequence":42,"type":"alarm","alarm":"leak"}</c>,
/// <c>{"messageId":"…","sequence":43,"type":"battery","batteryPercent":12}</c>,
/// <c>{"messageId":"…","sequence":44,"type":"ack","commandId":"…"}</c> or
/// <c>{"messageId":"…","sequence":45,"type":"telemetry","temperature":20.5}</c>.
/// <c>messageId</c> (1–100 characters) makes a repeat recognisable; <c>sequence</c> grows with every message of the
/// device, so an old message sent again under a new id is recognised as a replay. <c>batteryPercent</c> may come with any type.
/// </summary>
public sealed record DevicePayload(string MessageId, long Sequence, string Type, string? Alarm, int? BatteryPercent, Guid? CommandId)
{
    public const string AlarmType = "alarm";
    public const string BatteryType = "battery";
    public const string AckType = "ack";
    public const string TelemetryType = "telemetry";

    /// <summary>The payload, or why it is not one: malformed JSON or the field that breaks the schema.</summary>
    public static (DevicePayload? Payload, string? Error) Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            return (null, "malformed JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, "schema: the payload is not a JSON object");
            if (!root.TryGetProperty("messageId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= 100 } messageId)
                return (null, "schema: messageId must be a string of 1 to 100 characters");
            if (!root.TryGetProperty("sequence", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out var sequence) || sequence < 0)
                return (null, "schema: sequence must be a whole number, 0 or more");
            if (!root.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
                return (null, "schema: type is required");
            int? battery = null;
            if (root.TryGetProperty("batteryPercent", out var b))
            {
                if (b.ValueKind != JsonValueKind.Number || !b.TryGetInt32(out var percent) || percent is < 0 or > 100)
                    return (null, "schema: batteryPercent must be a whole number from 0 to 100");
                battery = percent;
            }

            switch (t.GetString())
            {
                case AlarmType:
                    return root.TryGetProperty("alarm", out var a) && a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 and <= 40 } alarm
                        && alarm.All(c => char.IsAsciiLetterLower(c) || c == '-')
                        ? (new DevicePayload(messageId, sequence, AlarmType, alarm, battery, null), null)
                        : (null, "schema: alarm must be a lower-case name such as \"leak\"");
                case BatteryType:
                    return battery is null
                        ? (null, "schema: a battery message needs batteryPercent")
                        : (new DevicePayload(messageId, sequence, BatteryType, null, battery, null), null);
                case AckType:
                    return root.TryGetProperty("commandId", out var c) && c.ValueKind == JsonValueKind.String && c.TryGetGuid(out var commandId)
                        ? (new DevicePayload(messageId, sequence, AckType, null, battery, commandId), null)
                        : (null, "schema: an ack needs the commandId it acknowledges");
                case TelemetryType:
                    return (new DevicePayload(messageId, sequence, TelemetryType, null, battery, null), null);
                default:
                    return (null, "schema: type must be alarm, battery, ack or telemetry");
            }
        }
    }
}
