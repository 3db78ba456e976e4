using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.InMemory;

namespace Orchestration.Endpoints.Operations.Monitoring;

/// <summary>How many messages each queue of the transport holds right now, by queue name.</summary>
public interface IQueueLengths
{
    Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// RabbitMQ's queue lengths (ready and unacknowledged messages) from its management API, in the bus's virtual host and
/// with the bus's credentials. Auto-deleted queues (the buses' own temporary ones) are left out.
/// </summary>
public sealed class RabbitMqQueueLengths(HttpClient management, IOptions<BusOptions> bus) : IQueueLengths
{
    public const string Client = "rabbitmq-management";

    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken)
    {
        var rabbit = bus.Value.RabbitMq;
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/queues/{Uri.EscapeDataString(rabbit.VirtualHost)}?columns=name,messages,auto_delete");
        request.Headers.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        using var response = await management.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var queues = await response.Content.ReadFromJsonAsync<List<JsonElement>>(cancellationToken) ?? [];
        return queues
            .Where(q => !(q.TryGetProperty("auto_delete", out var autoDelete) && autoDelete.ValueKind == JsonValueKind.True))
            .ToDictionary(q => q.GetProperty("name").GetString() ?? "",
                q => q.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0L,
                StringComparer.Ordinal);
    }
}

/// <summary>The in-memory transport's queue lengths (standalone mode): the copies its delivery journal holds unfinished per queue.</summary>
public sealed class InMemoryQueueLengths(DeliveryJournal journal) : IQueueLengths
{
    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken) =>
        await journal.CountUnfinishedAsync(cancellationToken);
}
