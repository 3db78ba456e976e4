namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>A quarantine reason in a word, so that staff can count payloads by what was wrong with them.</summary>
public static class QuarantineReasons
{
    public static string KindOf(string reason) => reason switch
    {
        _ when reason.StartsWith("payload of ", StringComparison.Ordinal) => "too-large",
        "not a device events topic" => "not-a-device-topic",
        "unknown device" => "unknown-device",
        "topic does not match the device's registration" => "topic-mismatch",
        "malformed JSON" => "malformed-json",
        _ when reason.StartsWith("schema:", StringComparison.Ordinal) => "schema",
        _ when reason.StartsWith("replayed sequence", StringComparison.Ordinal) => "replayed",
        _ => "not-applicable",
    };
}
