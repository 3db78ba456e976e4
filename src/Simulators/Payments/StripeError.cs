using System.Text.Json.Serialization;

namespace Orchestration.Simulators.Payments;

/// <summary>Stripe's error body, <c>{"error":{"type":...,"code":...,"message":...,"param":...}}</c>, absent fields left out.</summary>
internal sealed record StripeError(
    string Type,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Param = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DocUrl => Code is null ? null : $"https://stripe.com/docs/error-codes/{Code.Replace('_', '-')}";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeclineCode { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Charge { get; init; }

    /// <summary>The intent as it stands after a failed confirmation, as Stripe includes it with a card error.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PaymentIntentResource? PaymentIntent { get; init; }

    public RecordedResponse ToResponse(int statusCode, bool replayable = true) =>
        RecordedResponse.Json(statusCode, new { error = this }, SimulatorJson.SnakeCase, replayable);

    public static StripeError InvalidRequest(string message, string? code = null, string? param = null) =>
        new("invalid_request_error", message, code, param);

    public static StripeError Missing(string param) =>
        InvalidRequest($"Missing required param: {param}.", "parameter_missing", param);

    public static StripeError NoSuch(string resource, string id, string param) =>
        InvalidRequest($"No such {resource}: '{id}'", "resource_missing", param);

    public static StripeError Unauthorized(ApiKeyResult result) => result == ApiKeyResult.Missing
        ? InvalidRequest("You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
        : InvalidRequest("Invalid API Key provided.");

    public static StripeError IdempotencyConflict(string key) => new("idempotency_error",
        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
}
