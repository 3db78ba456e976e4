using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Simulators.Vendors;

/// <summary>
/// Maintenance vendors that receive our signed job offers at <c>POST /vendors/{name}/webhooks</c>: the signature and its
/// age are checked (401 otherwise), a repeated event id is acknowledged and dropped, and a new offer is then accepted
/// (with a visit window), declined, ignored or accepted and completed, as <c>/_sim/vendors/{name}</c> told the vendor, through the platform's
/// vendor API with the vendor's key.
/// </summary>
internal static class VendorsSimulator
{
    public const string Name = "Vendors";

    public static void AddServices(IServiceCollection services, VendorsSimulatorOptions options)
    {
        services.AddSingleton<VendorOffice>();
        services.AddHttpClient(Name);
    }

    public static void Map(WebApplication app)
    {
        app.MapPost("/vendors/{name}/webhooks", ReceiveAsync);

        var controls = app.MapGroup("/_sim/vendors/{name}");
        controls.MapPut("", (VendorOffice office, string name, VendorSetup setup) =>
        {
            if (string.IsNullOrWhiteSpace(setup.SigningSecret))
                return new ProviderError("validation_failed", "signingSecret is required.", "signingSecret").ToResponse(StatusCodes.Status400BadRequest);
            office.SetUp(name, setup);
            return Results.NoContent();
        });
        controls.MapGet("/events", (VendorOffice office, string name) =>
            Results.Json(new { events = office.Events(name), refused = office.Refused(name) }, SimulatorJson.CamelCase));
    }

    static async Task<IResult> ReceiveAsync(HttpContext http, string name, VendorOffice office, VendorsSimulatorOptions options,
        BackgroundWork background, IHttpClientFactory clients, TimeProvider time)
    {
        if (office.Find(name) is not { } setup)
            return new ProviderError("not_found", $"No vendor '{name}'.").ToResponse(StatusCodes.Status404NotFound);

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        if (!office.Verifies(setup, http.Request.Headers["X-Signature"].FirstOrDefault(), body, options.SignatureTolerance))
        {
            office.CountRefusal(name);
            return new ProviderError("invalid_signature", "The X-Signature header does not verify.").ToResponse(StatusCodes.Status401Unauthorized);
        }

        string eventId, type, workOrderId;
        try
        {
            using var json = JsonDocument.Parse(body);
            eventId = json.RootElement.GetProperty("id").GetString() ?? "";
            type = json.RootElement.GetProperty("type").GetString() ?? "";
            workOrderId = json.RootElement.GetProperty("workOrder").GetProperty("id").GetString() ?? "";
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ProviderError.MalformedJson().ToResponse(StatusCodes.Status400BadRequest);
        }

        if (!office.Record(name, eventId, type, workOrderId))
            return Results.Ok(new { received = eventId, duplicate = true });

        if (type == "work_order.dispatched" && options.PlatformApiUrl is { } api && setup.ApiKey is { } key)
            background.Run(token => ActAsync(clients.CreateClient(Name), new Uri(api), key, setup, workOrderId, time.GetUtcNow(), token));

        return Results.Ok(new { received = eventId, duplicate = false });
    }

    /// <summary>The vendor's answer, after the webhook was acknowledged, as a vendor's back office would give it.</summary>
    static async Task ActAsync(HttpClient client, Uri api, string key, VendorSetup setup, string workOrderId, DateTimeOffset now,
        CancellationToken token)
    {
        client.BaseAddress = api;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var order = $"vendor/v1/work-orders/{workOrderId}";
        switch (setup.Behaviour)
        {
            case VendorBehaviour.Accept:
                // A vendor that takes a job says when it will come: in an hour, for two hours.
                (await client.PostAsJsonAsync($"{order}/accept", new { visitFrom = now.AddHours(1), visitUntil = now.AddHours(3) }, token))
                    .EnsureSuccessStatusCode();
                break;
            case VendorBehaviour.Decline:
                (await client.PostAsJsonAsync($"{order}/decline", new { reason = "Fully booked" }, token)).EnsureSuccessStatusCode();
                break;
            case VendorBehaviour.Complete:
                (await client.PostAsJsonAsync($"{order}/accept", new { }, token)).EnsureSuccessStatusCode();
                (await client.PostAsJsonAsync($"{order}/complete", new
                {
                    invoiceNumber = $"SIM-{workOrderId[..8]}",
                    amount = setup.InvoiceAmount,
                    currency = setup.Currency,
                }, token)).EnsureSuccessStatusCode();
                break;
        }
    }
}
