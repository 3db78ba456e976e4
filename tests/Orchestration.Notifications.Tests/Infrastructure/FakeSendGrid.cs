using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on a free port standing in for SendGrid's Mail Send endpoint: it answers each call with the next
/// scripted response (202 once the script is used up) and keeps what it was sent.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<Func<HttpResponse, Task>> _script = new();

    FakeSendGrid(WebApplication app) => _app = app;

    public sealed record Call(string? Authorization, JsonElement Body, DateTimeOffset At);

    public ConcurrentQueue<Call> Calls { get; } = new();

    public string BaseUrl => _app.Urls.First();

    public static async Task<FakeSendGrid> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new FakeSendGrid(app);
        app.MapPost("/v3/mail/send", async (HttpContext context) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            server.Calls.Enqueue(new Call(context.Request.Headers.Authorization, body, DateTimeOffset.UtcNow));
            if (server._script.TryDequeue(out var answer))
            {
                await answer(context.Response);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers["X-Message-Id"] = $"sg-{server.Calls.Count}";
        });
        await app.StartAsync();
        return server;
    }

    public FakeSendGrid Then(int status, string? retryAfter = null, string? json = null)
    {
        _script.Enqueue(async response =>
        {
            response.StatusCode = status;
            if (retryAfter is not null)
                response.Headers.RetryAfter = retryAfter;
            if (json is not null)
            {
                response.ContentType = "application/json";
                await response.WriteAsync(json);
            }
        });
        return this;
    }

    /// <summary>The next call is accepted only after <paramref name="delay"/>, as a provider under load answers.</summary>
    public FakeSendGrid ThenSlowly(TimeSpan delay)
    {
        _script.Enqueue(async response =>
        {
            await Task.Delay(delay);
            response.StatusCode = StatusCodes.Status202Accepted;
            response.Headers["X-Message-Id"] = $"sg-slow-{Calls.Count}";
        });
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
