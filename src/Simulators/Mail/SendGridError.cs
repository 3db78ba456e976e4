namespace Orchestration.Simulators.Mail;

/// <summary>One entry of SendGrid's <c>{"errors":[{"message":...,"field":...,"help":...}]}</c>; absent fields are sent as null.</summary>
internal sealed record SendGridError(string Message, string? Field = null, string? Help = null)
{
    public static RecordedResponse Response(int statusCode, params IReadOnlyList<SendGridError> errors) =>
        RecordedResponse.Json(statusCode, new { errors }, SimulatorJson.SnakeCase);
}
