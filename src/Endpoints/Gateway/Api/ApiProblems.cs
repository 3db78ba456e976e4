using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>The problem-details answers the API gives, so the same situation reads the same on every route.</summary>
static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} {id} exists.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    /// <summary>Checks <c>limit</c> (1 to <see cref="Paging.MaxLimit"/>, default <see cref="Paging.DefaultLimit"/>) and <c>offset</c> (0 or more).</summary>
    public static Paging? Paging(int? limit, int? offset, Dictionary<string, string[]> errors)
    {
        if (limit is < 1 or > Gateway.Paging.MaxLimit)
            errors["limit"] = [$"The limit is from 1 to {Gateway.Paging.MaxLimit}."];
        if (offset is < 0)
            errors["offset"] = ["The offset cannot be negative."];
        return errors.Count > 0 ? null : new Gateway.Paging(limit ?? Gateway.Paging.DefaultLimit, offset ?? 0);
    }
}

/// <summary>The staff member behind a request, as commands and idempotency keys name them.</summary>
static class StaffMember
{
    public static string NameOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}

static class Reading
{
    /// <summary>
    /// Runs the reads of one request in one read-only transaction, so they see one moment of the data without waiting
    /// for the handlers that write.
    /// </summary>
    public static async Task<T> ReadAsync<T>(this SqlSession session, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        await session.BeginReadAsync(cancellationToken);
        var result = await read();
        await session.CommitAsync(cancellationToken);
        return result;
    }
}
