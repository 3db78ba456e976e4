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

    /// <summary>422 for a well-formed value that names something that does not exist, with the field in <c>errors</c>.</summary>
    public static ProblemHttpResult UnprocessableField(string field, string title, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = StatusCodes.Status422UnprocessableEntity, Title = title, Detail = detail,
        });

    /// <summary>
    /// Checks <c>limit</c> (1 to <see cref="Paging.MaxLimit"/>, default <see cref="Paging.DefaultLimit"/>) and <c>offset</c>
    /// (0 to <see cref="Paging.MaxOffset"/>).
    /// </summary>
    public static Paging? Paging(int? limit, int? offset, Dictionary<string, string[]> errors)
    {
        if (limit is < 1 or > Gateway.Paging.MaxLimit)
            errors["limit"] = [$"The limit is from 1 to {Gateway.Paging.MaxLimit}."];
        if (offset is < 0 or > Gateway.Paging.MaxOffset)
            errors["offset"] = [$"The offset is from 0 to {Gateway.Paging.MaxOffset}; narrow the list with a filter to reach further."];
        return errors.Count > 0 ? null : new Gateway.Paging(limit ?? Gateway.Paging.DefaultLimit, offset ?? 0);
    }

    /// <summary>
    /// A list filter: null when absent or empty (no filter), else the one of <paramref name="known"/> it names in any letter
    /// case; an unknown value is named in <paramref name="errors"/>.
    /// </summary>
    public static string? OneOf(Dictionary<string, string[]> errors, string field, string? value, IReadOnlyList<string> known)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (known.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase)) is { } match)
            return match;
        errors[field] = [$"The {field} is one of {string.Join(", ", known)}."];
        return null;
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
