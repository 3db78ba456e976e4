using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Endpoints.Gateway.Rent;
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

/// <summary>A run's progress: charges by the state of their collection (Posted, AwaitingPayment, Processing, PartiallyPaid, Late, Paid).</summary>
public sealed record RentRunProgress(Guid RentRunId, string? Period, int? Leases, int? Posted, DateTimeOffset? FinishedAt, IReadOnlyDictionary<string, long> Charges);

/// <summary>A lease's ledger on a day: its entries (positive = owed by the tenant, negative = paid or credited) and their sum.</summary>
public sealed record LeaseLedgerResponse(Guid LeaseId, DateOnly? AsOf, IReadOnlyList<LedgerLineView> Entries, Money Balance);

/// <summary>
/// Rent runs and lease ledgers. Reads come from the Gateway's projection of Billing's events (<see cref="RentReadModel"/>);
/// a request for a run becomes <see cref="StartRentRun"/> for Billing, sent through the bus outbox in the request's own
/// transaction, so an accepted run is never a lost command. Billing posts each lease's charge for the period once,
/// however often the period is run.
/// </summary>
static class RentApi
{
    static readonly Uri RentRuns = new($"queue:{CommandRoutes.RentRuns}");

    /// <summary>
    /// <c>POST /api/rent-runs</c>, <c>GET /api/rent-runs/{id}</c> and <c>GET /api/leases/{id}/ledger</c>: admins, accountants
    /// and property managers (the <c>rent</c> policy).
    /// </summary>
    public static void Map(RouteGroupBuilder api)
    {
        var runs = api.MapGroup("").WithTags("Rent").RequireAuthorization(GatewayPolicies.Rent);
        runs.MapPost("/rent-runs", StartAsync).WithName("StartRentRun")
            .WithSummary("Posts one rent charge per active lease for the period (\"YYYY-MM\"); 202 with the run id.")
            .WithDescription("A lease already charged for the period, by this run or an earlier one, is not charged again, so repeating a run adds nothing.")
            .ProducesValidationProblem();
        runs.MapGet("/rent-runs/{id:guid}", GetRunAsync).WithName("GetRentRun")
            .WithSummary("A rent run's progress: its charges counted by state; 404 until Billing has posted its first charge or finished.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/leases/{id:guid}/ledger", GetLedgerAsync).WithName("GetLeaseLedger")
            .WithSummary("A lease's ledger entries and balance, as of the end of a day (asOf=YYYY-MM-DD) or now.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<RentRunProgress>, ProblemHttpResult>> GetRunAsync(Guid id, SqlSession session, RentReadModel rent,
        CancellationToken cancellationToken) =>
        await session.ReadAsync(() => rent.FindRunAsync(session, id, cancellationToken), cancellationToken) is { } run
            ? TypedResults.Ok(new RentRunProgress(run.RentRunId, run.Period, run.Leases, run.Posted, run.FinishedAt, run.Charges))
            : ApiProblems.NotFound("Rent run", id);

    public static async Task<Results<Ok<LeaseLedgerResponse>, ValidationProblem, ProblemHttpResult>> GetLedgerAsync(Guid id, string? asOf,
        SqlSession session, RentReadModel rent, CancellationToken cancellationToken)
    {
        DateOnly? day = null;
        if (asOf is not null)
        {
            if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || parsed.Year < 2000
                || parsed.Year > 9998)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["asOf"] = ["asOf is a day as \"YYYY-MM-DD\"."] });
            day = parsed;
        }

        var before = day is { } end ? new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MaxValue;
        var (entries, currency) = await session.ReadAsync(async () =>
            (await rent.LedgerAsync(session, id, before, cancellationToken), await rent.CurrencyAsync(session, id, cancellationToken)), cancellationToken);
        if (entries is null || currency is null)
            return ApiProblems.NotFound("Lease ledger", id);

        return TypedResults.Ok(new LeaseLedgerResponse(id, day, entries, new Money(entries.Sum(e => e.Amount.Amount), currency)));
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
