namespace Orchestration.Simulators.Screening;

/// <summary>A tenant-screening provider: asynchronous decisions delivered by <c>X-Signature</c>-signed webhook.</summary>
internal static class ScreeningSimulator
{
    public const string Name = "Screening";

    public static void AddServices(IServiceCollection services, ScreeningSimulatorOptions options)
    {
        ProviderWebhooks.AddTo(services, Name, options.Webhook);
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<ScreeningBureau>();
    }

    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ScreeningSimulatorOptions>();

        var api = app.MapGroup("/v1/screenings").AddEndpointFilter(ProviderError.RequireApiKey(options.ApiKey));
        api.MapPost("", (HttpContext http, ScreeningBureau bureau, IdempotencyStore idempotency) =>
            ProviderRequests.CreateAsync<CreateScreeningRequest>(http, idempotency, request => request.Validate() switch
            {
                (_, { } error) => ProviderRequests.Invalid(error),
                (var screening, _) => bureau.Request(screening!),
            }));
        api.MapGet("/{id}", (ScreeningBureau bureau, string id) => bureau.Retrieve(id));

        // Decides at once instead of after the delay; a decision and reason code given here win over the table's.
        app.MapPost("/_sim/screenings/{id}/decide", (ScreeningBureau bureau, string id, string? decision, string? reason) =>
            decision switch
            {
                null => bureau.Decide(id, overrideDecision: null),
                ScreeningDecision.Approved => bureau.Decide(id, new ScreeningDecision(decision, null)),
                ScreeningDecision.Declined => bureau.Decide(id, new ScreeningDecision(decision, new ScreeningReason(reason ?? "declined", "Declined by the test."))),
                _ => new ProviderError("validation_failed", "decision is approved or declined.", "decision").ToResponse(StatusCodes.Status400BadRequest),
            });

        WebhookControls.Map(app);
    }
}
