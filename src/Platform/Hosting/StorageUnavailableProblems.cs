using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orchestration.Platform.Hosting;

public static class StorageProblemsHosting
{
    /// <summary>
    /// Answers the HTTP requests the database could not serve with 503 (<see cref="StorageUnavailableProblems"/>); the
    /// pipeline needs <c>UseExceptionHandler()</c>. Such a request is logged as a warning, not as an unhandled error.
    /// </summary>
    public static IServiceCollection AddStorageUnavailableProblems(this IServiceCollection services)
    {
        // A host with several endpoints (Standalone) asks more than once.
        if (services.Any(d => d.ServiceType == typeof(IExceptionHandler) && d.ImplementationType == typeof(StorageUnavailableProblems)))
            return services;
        services.AddProblemDetails();
        services.AddExceptionHandler<StorageUnavailableProblems>();
        services.Configure<ExceptionHandlerOptions>(options =>
        {
            var earlier = options.SuppressDiagnosticsCallback;
            options.SuppressDiagnosticsCallback = context =>
                StorageUnavailableProblems.IsUnavailable(context.Exception) || (earlier?.Invoke(context) ?? false);
        });
        return services;
    }
}

/// <summary>
/// Answers a request the database could not serve at that moment (unreachable, restarting, out of connections, or busy
/// past its timeout) with 503 and <c>Retry-After</c>, not 500: the fault is passing, not the request's, and the same
/// request sent again shortly succeeds. A change whose commit was cut off may or may not have been made, so the detail
/// asks for the same request again, with the same <c>Idempotency-Key</c> where the route takes one.
/// </summary>
public sealed partial class StorageUnavailableProblems(IProblemDetailsService problems, ILogger<StorageUnavailableProblems> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception) || context.Response.HasStarted)
            return false;

        StorageUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetBaseException().Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage unavailable",
                Detail = $"The database could not be reached or was busy. Send the same request again in {RetryAfterSeconds} seconds "
                         + "(with the same Idempotency-Key where the route takes one): a change cut off while it was being saved may or may not have been made.",
            },
        });
    }

    /// <summary>A failure of the database's availability, anywhere in the exception's chain, as opposed to a fault of the request or the code.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // The server: connection failures, too many connections, shutting down, crashed, starting, idle session ended.
                case PostgresException { SqlState: "08000" or "08001" or "08003" or "08004" or "08006" or "53300" or "57P01" or "57P02" or "57P03" or "57P05" }:
                    return true;
                case PostgresException:
                    return false;
                // The client: connection refused or lost, timed out, pool exhausted.
                case NpgsqlException { IsTransient: true }:
                    return true;
                // SQLITE_BUSY: another writer held the file past the busy timeout.
                case SqliteException { SqliteErrorCode: 5 }:
                    return true;
                case DbException:
                    return false;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    static partial void StorageUnavailable(ILogger logger, string method, string path, string reason);
}
