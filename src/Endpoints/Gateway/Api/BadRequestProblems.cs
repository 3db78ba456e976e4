using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// Answers a request the routes could not bind (a body that is not JSON, a number sent as a string, a property given
/// twice, a body over the limit, a query value of the wrong type) with a problem of the status the binder chose, naming
/// the field when the JSON reader knows it, instead of an empty 400. The routes throw these
/// (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>) so that they reach this one place.
/// </summary>
sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException refused || context.Response.HasStarted)
            return false;

        var field = FieldOf(refused);
        var title = refused.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Request not readable";
        var detail = field is null
            ? "The request could not be read: send the JSON body and query values the route documents."
            : $"'{field}' is not a value of the type the route takes (numbers as JSON numbers, each property once).";
        ProblemDetails problem = field is null
            ? new ProblemDetails { Status = refused.StatusCode, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] }) { Status = refused.StatusCode, Title = title, Detail = detail };
        context.Response.StatusCode = refused.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>
    /// The property the JSON reader stopped at, as the API names fields (<c>monthlyRent</c>, <c>marketRent.amount</c>), or
    /// the query or route value the binder could not convert (<c>limit</c>).
    /// </summary>
    static string? FieldOf(BadHttpRequestException refused)
    {
        if (refused.InnerException is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal))
            return path[2..];
        return BoundParameter().Match(refused.Message) is { Success: true } match ? match.Groups["name"].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "[^"]*?(?<name>\w+)" from""")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();
}
