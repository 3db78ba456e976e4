using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Endpoints.Gateway.Reconciliation;
using Orchestration.Messages.Billing;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Asks for a reconciliation of the payments of whole UTC days, <see cref="From"/> to <see cref="To"/> included ("YYYY-MM-DD").</summary>
public sealed record ReconciliationRunRequest(string? From, string? To);

public sealed record ReconciliationRunAccepted(Guid ReconciliationRunId);

/// <summary>
/// A run: <c>Running</c> until Billing has compared the two sides, then <c>Finished</c> with what it compared and each
/// difference (at most 1,000 listed; <see cref="DiscrepancyCount"/> counts them all).
/// </summary>
public sealed record ReconciliationRunView(Guid ReconciliationRunId, DateOnly From, DateOnly To, string Status, DateTimeOffset? RequestedAt,
    DateTimeOffset? FinishedAt, int? GatewayPayments, int? LedgerPayments, int? DiscrepancyCount, IReadOnlyList<ReconciliationDiscrepancy> Discrepancies);

/// <summary>
/// Reconciliation of the payment gateway with the ledger, on demand, for admins and accountants: a request becomes
/// <see cref="StartReconciliationRun"/> for Billing, sent through the bus outbox in the request's own transaction with the
/// run's row, so an accepted run is never lost and can be read at once. Billing's report (also of the daily scheduled
/// runs) fills the row in.
/// </summary>
static class ReconciliationApi
{
    static readonly Uri Runs = new($"queue:{CommandRoutes.Reconciliation}");
    static readonly string[] Readers = [GatewayRoles.Admin, GatewayRoles.Accountant];
    const string Day = "yyyy-MM-dd";

    /// <summary>
    /// <c>POST /api/reconciliation/runs</c> and <c>GET /api/reconciliation/runs/{id}</c>, which is also
    /// <c>GET /api/reconciliations/{id}</c>; <c>GET /api/reconciliations</c> lists the runs.
    /// </summary>
    public static void Map(RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/reconciliation/runs").WithTags("Reconciliation").RequireAuthorization(policy => policy.RequireRole(Readers));
        runs.MapPost("/", StartAsync).WithName("StartReconciliationRun")
            .WithSummary("Compares the gateway's payments of the days from..to (\"YYYY-MM-DD\", at most 31 days, none in the future) with the ledger; 202 with the run id.")
            .ProducesValidationProblem();
        runs.MapGet("/{id:guid}", GetAsync).WithName("GetReconciliationRun")
            .WithSummary("A reconciliation run: Running, or Finished with its counts and each difference between the gateway and the ledger.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/reconciliations", ListAsync).WithName("ListReconciliations").WithTags("Reconciliation")
            .RequireAuthorization(policy => policy.RequireRole(Readers))
            .WithSummary("Lists reconciliation runs newest first (limit, offset), scheduled ones included, with their counts but not their differences.")
            .ProducesValidationProblem();
        api.MapGet("/reconciliations/{id:guid}", GetAsync).WithName("GetReconciliation").WithTags("Reconciliation")
            .RequireAuthorization(policy => policy.RequireRole(Readers))
            .WithSummary("The same as GET /api/reconciliation/runs/{id}: a run with its counts and differences, unmatched webhook events included.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Accepted<ReconciliationRunAccepted>, ValidationProblem>> StartAsync(ReconciliationRunRequest request,
        SqlSession session, ReconciliationRunStore store, BusOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var from = Parse(request.From, "from", errors);
        var to = Parse(request.To, "to", errors);
        if (from is { } first && to is { } last)
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            if (last < first)
                errors["to"] = ["The last day is on or after the first (from)."];
            else if (last.DayNumber - first.DayNumber + 1 > ReconciliationLimits.MaxRange.TotalDays)
                errors["to"] = [$"A run covers at most {ReconciliationLimits.MaxRange.TotalDays} days."];
            else if (last > today)
                errors["to"] = ["The last day is today or earlier (UTC): the gateway has no payments of days to come."];
        }

        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var run = new StartReconciliationRun
        {
            RunId = NewId.NextGuid(),
            From = Midnight(from!.Value),
            To = Midnight(to!.Value.AddDays(1)),
            RequestedAt = now,
        };
        await session.BeginAsync(cancellationToken);
        await store.RequestedAsync(session, run, cancellationToken);
        await outbox.Send(Runs, run, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/api/reconciliation/runs/{run.RunId}", new ReconciliationRunAccepted(run.RunId));
    }

    public static async Task<Results<Ok<Page<ReconciliationRunView>>, ValidationProblem>> ListAsync(int? limit, int? offset, SqlSession session,
        ReconciliationRunStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging)
            return TypedResults.ValidationProblem(errors);
        var page = await session.ReadAsync(() => store.ListAsync(session, paging, cancellationToken), cancellationToken);
        return TypedResults.Ok(page.Select(View));
    }

    public static async Task<Results<Ok<ReconciliationRunView>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, ReconciliationRunStore store,
        CancellationToken cancellationToken) =>
        await session.ReadAsync(() => store.FindAsync(session, id, cancellationToken), cancellationToken) is { } run
            ? TypedResults.Ok(View(run))
            : ApiProblems.NotFound("Reconciliation run", id);

    static ReconciliationRunView View(ReconciliationRunRecord run) => new(run.RunId, DateOnly.FromDateTime(run.From.UtcDateTime),
        DateOnly.FromDateTime(run.To.UtcDateTime.AddTicks(-1)), run.FinishedAt is null ? "Running" : "Finished", run.RequestedAt, run.FinishedAt,
        run.GatewayPayments, run.LedgerPayments, run.DiscrepancyCount, run.Discrepancies);

    static DateOnly? Parse(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (DateOnly.TryParseExact(value, Day, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year >= 2000)
            return day;
        errors[field] = [$"{field} is a day as \"YYYY-MM-DD\", from 2000-01-01."];
        return null;
    }

    static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
