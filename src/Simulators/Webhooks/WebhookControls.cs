namespace Orchestration.Simulators.Webhooks;

/// <summary>
/// Test controls every webhook-sending simulator offers under <c>/_sim/webhooks</c>: the endpoint, duplicates,
/// holding and releasing (reordering), resending, and the record of what was sent.
/// </summary>
internal static class WebhookControls
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // Resolved now, so that a malformed configured webhook URL fails the start rather than the first event.
        app.ServiceProvider.GetRequiredService<WebhookDispatcher>();

        var controls = app.MapGroup("/_sim/webhooks");

        controls.MapGet("/events", (WebhookDispatcher webhooks, string? type) =>
            Results.Json(webhooks.Sent().Where(w => type is null || w.Type == type), SimulatorJson.CamelCase));

        controls.MapPost("/events/{id}/redeliver", (WebhookDispatcher webhooks, string id) =>
            webhooks.Redeliver(id) ? Results.Accepted() : ProviderError.NotFound("event", id).ToResponse(StatusCodes.Status404NotFound));

        controls.MapGet("/endpoint", (WebhookDispatcher webhooks) => Results.Json(new { url = webhooks.Endpoint }, SimulatorJson.CamelCase));

        controls.MapPut("/endpoint", async (WebhookDispatcher webhooks, HttpRequest request) =>
        {
            var body = JsonBody.Parse<EndpointChange>(await JsonBody.ReadAsync(request, request.HttpContext.RequestAborted), SimulatorJson.CamelCase);
            if (body is null)
                return ProviderError.MalformedJson().ToResponse(StatusCodes.Status400BadRequest);
            try
            {
                webhooks.Endpoint = WebhookDispatcher.ParseEndpoint(body.Url);
            }
            catch (ArgumentException exception)
            {
                return new ProviderError("invalid_url", exception.Message, "url").ToResponse(StatusCodes.Status400BadRequest);
            }
            return Results.Json(new { url = webhooks.Endpoint }, SimulatorJson.CamelCase);
        });

        controls.MapPost("/duplicates", (WebhookDispatcher webhooks, int count) =>
        {
            if (count is < 1 or > 100)
                return new ProviderError("invalid_count", "count is between 1 and 100.", "count").ToResponse(StatusCodes.Status400BadRequest);
            webhooks.DeliverCopies(count);
            return Results.Json(new { copies = count }, SimulatorJson.CamelCase);
        });

        controls.MapPost("/hold", (WebhookDispatcher webhooks, int? count) =>
        {
            if (count is < 1)
                return new ProviderError("invalid_count", "count is at least 1; leave it out to hold every event.", "count").ToResponse(StatusCodes.Status400BadRequest);
            webhooks.Hold(count);
            return Results.Json(new { holding = count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all" }, SimulatorJson.CamelCase);
        });

        controls.MapPost("/release", (WebhookDispatcher webhooks, string? order) =>
        {
            var newestFirst = string.Equals(order, "reverse", StringComparison.OrdinalIgnoreCase);
            return Results.Json(new { released = webhooks.Release(newestFirst) }, SimulatorJson.CamelCase);
        });
    }

    sealed record EndpointChange(string? Url);
}
