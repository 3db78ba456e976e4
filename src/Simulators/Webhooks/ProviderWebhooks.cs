using System.Text.Json;

namespace Orchestration.Simulators.Webhooks;

/// <summary>
/// The e-signature and screening providers' event body: <c>{"id":"evt_...","type":...,"createdAt":...,"&lt;resource&gt;":{...}}</c>,
/// signed with <c>X-Signature</c> and repeated in <c>X-Event-Id</c>.
/// </summary>
internal sealed class ProviderWebhooks(WebhookDispatcher dispatcher, TimeProvider timeProvider)
{
    public static WebhookChannel Channel(string provider, WebhookOptions options) =>
        new("X-Signature", "X-Event-Id", $"{provider}-Webhooks/1.0", options);

    /// <summary>This event body on <paramref name="provider"/>'s channel, with the dispatcher that delivers it.</summary>
    public static IServiceCollection AddTo(IServiceCollection services, string provider, WebhookOptions options) =>
        services.AddSingleton(Channel(provider, options)).AddSingleton<WebhookDispatcher>()
            .AddSingleton<ProviderWebhooks>();

    /// <param name="callbackUrl">The caller's per-resource callback URL, which wins over the configured endpoint.</param>
    public void Publish(string type, string resourceName, object resource, Uri? callbackUrl)
    {
        var id = ResourceId.New("evt");
        var body = new Dictionary<string, object>
        {
            ["id"] = id,
            ["type"] = type,
            ["createdAt"] = timeProvider.GetUtcNow(),
            [resourceName] = resource,
        };
        dispatcher.Publish(id, type, JsonSerializer.SerializeToUtf8Bytes(body, SimulatorJson.CamelCase), callbackUrl);
    }
}
