using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>
/// A real HTTP server in front of a provider simulator that fails as a provider under trouble does. Each call takes the
/// next scripted step: <see cref="Step.CarriedOutThen503"/> lets the provider carry the request out and loses its
/// answer, <see cref="Step.Refused503"/> never reaches the provider; once the script is used up, calls go through.
/// Keeps the <c>Idempotency-Key</c> of every call it saw.
/// </summary>
public sealed class FlakyProvider : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly HttpClient _provider;
    readonly ConcurrentQueue<Step> _script;

    FlakyProvider(WebApplication app, Uri provider, IEnumerable<Step> script)
    {
        _app = app;
        _provider = new HttpClient { BaseAddress = provider };
        _script = new ConcurrentQueue<Step>(script);
    }

    public enum Step
    {
        CarriedOutThen503,
        Refused503,
    }

    public ConcurrentQueue<string?> IdempotencyKeys { get; } = new();

    public Uri BaseUrl => new(_app.Urls.First() + "/");

    public static async Task<FlakyProvider> StartAsync(Uri provider, params Step[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var front = new FlakyProvider(app, provider, script);
        app.Run(front.HandleAsync);
        await app.StartAsync();
        return front;
    }

    async Task HandleAsync(HttpContext context)
    {
        IdempotencyKeys.Enqueue(context.Request.Headers["Idempotency-Key"].FirstOrDefault());
        var hasStep = _script.TryDequeue(out var step);
        if (hasStep && step == Step.Refused503)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var answer = await ForwardAsync(context.Request);
        if (hasStep)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.StatusCode = (int)answer.StatusCode;
        context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
        await answer.Content.CopyToAsync(context.Response.Body);
    }

    async Task<HttpResponseMessage> ForwardAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.ToString().TrimStart('/') + request.QueryString);
        forwarded.Content = new ByteArrayContent(body.ToArray());
        if (request.ContentType is { } contentType)
            forwarded.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var name in new[] { "Authorization", "Idempotency-Key" })
        {
            if (request.Headers.TryGetValue(name, out var value))
                forwarded.Headers.TryAddWithoutValidation(name, value.ToString());
        }

        return await _provider.SendAsync(forwarded);
    }

    public async ValueTask DisposeAsync()
    {
        _provider.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
