using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// Caps the body of every request under <c>/api</c>, so a client cannot make the Gateway read megabytes to refuse them:
/// <see cref="DefaultBytes"/> unless the route names its own limit (<see cref="WithBodyLimit{TBuilder}"/>; the sign-in
/// route takes a smaller one). A body over the limit is answered 413 with a problem body, without being read: at once
/// when its <c>Content-Length</c> says so, and when it is sent in chunks, as soon as the limit is passed.
/// </summary>
public static class ApiBodyLimit
{
    /// <summary>The largest JSON body an API route takes unless it says otherwise: far above any valid request.</summary>
    public const long DefaultBytes = 64 * 1024;

    /// <summary>Sets the route's own body limit, which replaces <see cref="DefaultBytes"/>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Limit(bytes));

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            await RefuseWholeAsync(context, length, limit);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;

        // A body of unknown length is read here, up to the limit, so the handler never meets the server's refusal half-way.
        if (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0)
        {
            context.Request.EnableBuffering();
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }
            catch (BadHttpRequestException refused) when (refused.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLarge(context, limit);
                return;
            }

            context.Request.Body.Position = 0;
        }

        await next(context);
    });

    /// <summary>
    /// A client that announced a too-large body is still sending it. If the answer went out now the server would close the
    /// connection under the client's feet, and many clients then report a dropped connection instead of the 413. So a body
    /// of up to <see cref="DiscardedBytes"/> is read and thrown away, a few kilobytes at a time, before answering; a larger
    /// one is answered at once and the connection closed, so its sender at least cannot keep the connection busy.
    /// </summary>
    static async Task RefuseWholeAsync(HttpContext context, long length, long limit)
    {
        if (length <= DiscardedBytes)
        {
            try
            {
                await context.Request.Body.CopyToAsync(Stream.Null, 16 * 1024, context.RequestAborted);
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
            {
                // The client went away or sent less than it announced; it gets the answer if it is still there.
            }
        }
        else
        {
            context.Response.Headers.Connection = "close";
        }

        await TooLarge(context, limit);
    }

    /// <summary>The most a refused body is read (and thrown away) to keep its connection usable.</summary>
    public const long DiscardedBytes = 1024 * 1024;

    static Task TooLarge(HttpContext context, long limit) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"This route takes a body of at most {limit} bytes.").ExecuteAsync(context);

    sealed class Limit(long bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => bytes;
    }
}
