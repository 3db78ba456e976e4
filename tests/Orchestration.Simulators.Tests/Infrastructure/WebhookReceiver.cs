namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>A real HTTP server standing in for our webhook endpoint: records every request and answers as told.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly Lock gate = new();
    readonly List<ReceivedWebhook> received = [];
    readonly Queue<int> answers = new();

    WebhookReceiver(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/webhooks");
        return receiver;
    }

    /// <summary>The next requests get these status codes, in order; after them, 200.</summary>
    public void AnswerNext(params int[] statusCodes)
    {
        lock (gate)
        {
            foreach (var statusCode in statusCodes)
                answers.Enqueue(statusCode);
        }
    }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get { lock (gate) return [.. received]; }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests (of <paramref name="type"/>, when given) arrived.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, string? type = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var matching = Received.Where(w => type is null || w.Type == type).ToList();
            if (matching.Count >= count)
                return matching;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Expected {count} webhook(s){(type is null ? "" : $" of type {type}")} but received {matching.Count}: {string.Join(", ", Received.Select(w => w.Type))}");
            await Task.Delay(20);
        }
    }

    async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        int status;
        lock (gate)
        {
            status = answers.Count > 0 ? answers.Dequeue() : StatusCodes.Status200OK;
            received.Add(new ReceivedWebhook(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body, status));
        }
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
