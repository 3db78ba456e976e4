namespace Orchestration.Simulators.ESignature;

/// <summary>
/// An e-signature provider: envelopes sent to a tenant for signature and countersigned by the landlord, a signing
/// page behind each envelope's signing URL, and <c>X-Signature</c>-signed webhooks for every change.
/// </summary>
internal static class ESignatureSimulator
{
    public const string Name = "ESignature";

    public static void AddServices(IServiceCollection services, ESignatureSimulatorOptions options)
    {
        ProviderWebhooks.AddTo(services, Name, options.Webhook);
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<EnvelopeDesk>();
    }

    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ESignatureSimulatorOptions>();

        var api = app.MapGroup("/v1/envelopes").AddEndpointFilter(ProviderError.RequireApiKey(options.ApiKey));
        api.MapPost("", (HttpContext http, EnvelopeDesk desk, IdempotencyStore idempotency) =>
            ProviderRequests.CreateAsync<CreateEnvelopeRequest>(http, idempotency, request => request.Validate() switch
            {
                (_, { } error) => ProviderRequests.Invalid(error),
                (var envelope, _) => desk.Create(envelope!, ProviderRequests.BaseUrl(http.Request)),
            }));
        api.MapGet("/{id}", (EnvelopeDesk desk, string id) => desk.Retrieve(id));
        api.MapPost("/{id}/countersign", (EnvelopeDesk desk, string id) => desk.Countersign(id));
        api.MapPost("/{id}/void", async (EnvelopeDesk desk, HttpRequest request, string id) =>
            desk.Void(id, (await ReadReason(request))?.Reason));

        SigningPage.Map(app);

        var controls = app.MapGroup("/_sim/envelopes");
        controls.MapPost("/{id}/sign", (EnvelopeDesk desk, string id) => desk.Sign(id));
        controls.MapPost("/{id}/decline", (EnvelopeDesk desk, string id, string? reason) => desk.Decline(id, reason));

        WebhookControls.Map(app);
    }

    // The reason is optional, and so is the body that carries it.
    static async Task<ReasonRequest?> ReadReason(HttpRequest request)
    {
        var body = await JsonBody.ReadAsync(request, request.HttpContext.RequestAborted);
        return body.Length == 0 ? null : JsonBody.Parse<ReasonRequest>(body, SimulatorJson.CamelCase);
    }
}
