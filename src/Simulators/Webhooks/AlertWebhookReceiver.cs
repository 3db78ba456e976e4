using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Simulators.Webhooks;

/// <summary>
/// A receiver of signed webhooks, as an operator's incident tool would be: <c>POST /hooks/{name}</c> checks the
/// <c>Orchestration-Signature</c> (<c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}"&gt;</c>) with the secret
/// set for that name, refuses a bad one with 400, can be told to answer the next deliveries 503, and records every
/// delivery with its event id, so a repeat shows as one. Controls under <c>/_sim/alert-webhooks/{name}</c>: <c>PUT
/// secret</c>, <c>PUT failures</c> (<c>{"count":n}</c>), <c>GET</c> (what arrived).
/// </summary>
public sealed class AlertWebhookReceiver : IAsyncDisposable
{
    /// <summary>A signature older than this is refused, as a replay.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    readonly WebApplication _app;

    AlertWebhookReceiver(Uri baseAddress, WebApplication app)
    {
        BaseAddress = baseAddress;
        _app = app;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the receiver on a free loopback port.</summary>
    public static async Task<AlertWebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var started = await SimulatorApplication.StartAsync("AlertWebhooks", "http://127.0.0.1:0", new SimulatorRuntime(TimeProvider.System, null),
            services => services.AddSingleton<Hooks>(), Map, cancellationToken);
        return new AlertWebhookReceiver(started.BaseUrl, started.Application);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    static void Map(WebApplication app)
    {
        app.MapPost("/hooks/{name}", async (string name, HttpRequest request, Hooks hooks, TimeProvider clock) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            var body = buffer.ToArray();
            var hook = hooks.For(name);
            var verified = hook.Secret is { } secret && Verify(secret, request.Headers["Orchestration-Signature"].ToString(), body, clock.GetUtcNow());
            var eventId = request.Headers["Orchestration-Event-Id"].ToString();
            var failing = verified && hook.TakeFailure();
            var status = !verified ? StatusCodes.Status400BadRequest : failing ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            hook.Received.Enqueue(new ReceivedHook(eventId, request.Headers["Idempotency-Key"].ToString(), verified, status,
                !failing && verified && hook.Received.Any(r => r.EventId == eventId && r.Status == StatusCodes.Status200OK),
                JsonDocument.Parse(body.Length == 0 ? "null"u8.ToArray() : body).RootElement.Clone()));
            return Results.StatusCode(status);
        });

        var controls = app.MapGroup("/_sim/alert-webhooks/{name}");
        controls.MapGet("", (string name, Hooks hooks) => Results.Json(hooks.For(name).Received.ToArray(), JsonSerializerOptions.Web));
        controls.MapPut("/secret", async (string name, HttpRequest request, Hooks hooks) =>
        {
            var change = await request.ReadFromJsonAsync<SecretChange>(JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            hooks.For(name).Secret = change?.Secret;
            return Results.NoContent();
        });
        controls.MapPut("/failures", async (string name, HttpRequest request, Hooks hooks) =>
        {
            var change = await request.ReadFromJsonAsync<FailureChange>(JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            hooks.For(name).Failures = change?.Count ?? 0;
            return Results.NoContent();
        });
    }

    /// <summary>Checks a <c>t=…,v1=…</c> signature of the body with the secret, within <see cref="Tolerance"/> of now.</summary>
    public static bool Verify(string secret, string header, byte[] body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !parts.TryGetValue("v1", out var v1) || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > Tolerance.TotalSeconds)
            return false;
        var expected = WebhookSignature.Create(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes($"t={t},v1={v1}"));
    }

    sealed record SecretChange(string? Secret);

    sealed record FailureChange(int Count);

    /// <summary>One delivery as it arrived: whether its signature held, how it was answered, whether its event had arrived before.</summary>
    public sealed record ReceivedHook(string EventId, string IdempotencyKey, bool Verified, int Status, bool Duplicate, JsonElement Body);

    sealed class Hook
    {
        int _failures;

        public string? Secret { get; set; }

        public int Failures
        {
            set => Interlocked.Exchange(ref _failures, value);
        }

        public ConcurrentQueue<ReceivedHook> Received { get; } = new();

        public bool TakeFailure()
        {
            while (true)
            {
                var left = Volatile.Read(ref _failures);
                if (left <= 0)
                    return false;
                if (Interlocked.CompareExchange(ref _failures, left - 1, left) == left)
                    return true;
            }
        }
    }

    sealed class Hooks
    {
        readonly ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);

        public Hook For(string name) => _hooks.GetOrAdd(name, _ => new Hook());
    }
}
