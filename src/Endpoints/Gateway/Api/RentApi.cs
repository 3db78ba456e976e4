using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Billing;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Starts a rent run for a period.</summary>
public sealed record RentRunRequest(string? Period)
{
    /// <summary>The period, when it is a "YYYY-MM" month of a year from 2000 to 9999.</summary>
    public string? ValidPeriod() =>
        Period is { Length: 7 } period && DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            && first.Year >= 2000
            ? period
            : null;
}

public sealed record RentRunAccepted(Guid RentRunId);

/// <summary>
/// Rent runs: a request becomes <see cref="StartRentRun"/> for Billing, sent through the bus outbox in the request's own
/// transaction, so an accepted run is never a lost command. Billing posts each lease's charge for the period once,
/// however often the period is run.
/// </summary>
static class RentApi
{
    static readonly Uri RentRuns = new($"queue:{CommandRoutes.RentRuns}");

    /// <summary><c>POST /api/rent-runs</c>: admins, accountants and property managers (the <c>rent</c> policy).</summary>
    public static void Map(RouteGroupBuilder api)
    {
        var runs = api.MapGroup("").WithTags("Rent").RequireAuthorization(GatewayPolicies.Rent);
        runs.MapPost("/rent-runs", StartAsync).WithName("StartRentRun")
            .WithSummary("Posts one rent charge per active lease for the period (\"YYYY-MM\"); 202 with the run id.")
            .WithDescription("A lease already charged for the period, by this run or an earlier one, is not charged again, so repeating a run adds nothing.")
            .ProducesValidationProblem();
    }

    public static async Task<Results<Accepted<RentRunAccepted>, ValidationProblem>> StartAsync(RentRunRequest request, SqlSession session,
        BusOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.ValidPeriod() is not { } period)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["period"] = ["A period is a month as \"YYYY-MM\", from 2000-01."] });

        var runId = NewId.NextGuid();
        await session.BeginAsync(cancellationToken);
        await outbox.Send(RentRuns, new StartRentRun { RentRunId = runId, Period = period, RequestedAt = time.GetUtcNow() }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/api/rent-runs/{runId}", new RentRunAccepted(runId));
    }
}
