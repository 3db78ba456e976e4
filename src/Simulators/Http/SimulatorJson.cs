using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestration.Simulators.Http;

internal static class SimulatorJson
{
    /// <summary>Stripe's and SendGrid's wire style (<c>amount_received</c>, <c>last_payment_error</c>).</summary>
    public static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // The providers write quotes as \" rather than \u0022; none of these bodies is ever embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The e-signature and screening providers' wire style, and the test controls'.</summary>
    public static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
