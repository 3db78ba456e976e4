using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices.Registry;

/// <summary>
/// A device's account on RabbitMQ, made through the management API: a user named by the device id with the stored
/// password hash and no tags, vhost permissions only on its own MQTT session queues and <c>amq.topic</c>, and topic
/// permissions that let it publish only on <c>devices.{p}.{u}.{d}.events</c> and subscribe only to
/// <c>devices.{p}.{u}.{d}.commands</c> (MQTT's <c>/</c> is <c>.</c> on <c>amq.topic</c>). Every call is a PUT of the whole
/// resource, so a repeat after a failure changes nothing.
/// </summary>
public sealed class BrokerAccounts(HttpClient http, IOptions<DevicesMqttOptions> options)
{
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.ManagementUrl);

    public async Task EnsureAsync(DeviceRecord device, CancellationToken cancellationToken)
    {
        var user = Uri.EscapeDataString(device.DeviceId.ToString());
        var topic = DeviceTopics.RoutingKeyPrefix(device.PropertyId, device.UnitId, device.DeviceId);
        await PutAsync($"api/users/{user}", new
        {
            password_hash = device.CredentialHash, hashing_algorithm = DeviceCredential.RabbitHashingAlgorithm, tags = "",
        }, cancellationToken);
        var sessionQueues = $"^mqtt-subscription-{device.DeviceId}qos[01]$";
        await PutAsync($"api/permissions/%2F/{user}", new
        {
            configure = sessionQueues, write = $"{sessionQueues}|^amq\\.topic$", read = $"{sessionQueues}|^amq\\.topic$",
        }, cancellationToken);
        await PutAsync($"api/topic-permissions/%2F/{user}", new
        {
            exchange = "amq.topic", write = $"^{topic.Replace(".", "\\.", StringComparison.Ordinal)}\\.events$",
            read = $"^{topic.Replace(".", "\\.", StringComparison.Ordinal)}\\.commands$",
        }, cancellationToken);
    }

    async Task PutAsync(string path, object body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(new Uri(settings.ManagementUrl.TrimEnd('/') + "/"), path))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.ManagementUsername}:{settings.ManagementPassword}")));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"RabbitMQ's management API answered {(int)response.StatusCode} to PUT {path}.");
    }
}
