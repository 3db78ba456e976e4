using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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

/// <summary>Pays back part of a lease's credit: an amount (more than zero, in cents at most) in the lease's currency, and why.</summary>
public sealed record LeaseRefundRequest(decimal? Amount, string? Currency, string? Reason)
{
    public const int MaxReasonLength = 500;

    /// <summary>Each problem named by its field; empty when the request is well formed.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Amount is not { } amount || amount <= 0 || amount > 1_000_000_000m || decimal.Round(amount, 2) != amount)
            errors["amount"] = ["The amount is more than zero, at most 1,000,000,000, in cents at most."];
        if (Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
            errors["currency"] = ["The currency is a three-letter ISO 4217 code in capitals, such as \"USD\"."];
        FieldRules.Text(errors, "reason", Reason, MaxReasonLength, "The reason");
        return errors;
    }

    public string Fingerprint(Guid leaseId) =>
        string.Join('\u001f', "lease-refund", leaseId, Amount?.ToString(CultureInfo.InvariantCulture), Currency, Reason?.Trim());
}

public sealed record LeaseRefundAccepted(Guid RefundId);

/// <summary>A run's progress: charges by the state of their collection (Posted, AwaitingPayment, Processing, PartiallyPaid, Late, Paid).</summary>
public sealed record RentRunProgress(Guid RentRunId, string? Period, int? Leases, int? Posted, DateTimeOffset? FinishedAt, IReadOnlyDictionary<string, long> Charges);

/// <summary>
/// A late-fee policy: <c>basis</c> Fixed (rate is an amount), PercentOfRent or PercentOfOutstanding (rate is a percentage,
/// 0 to 100); <c>accrual</c> OneTime (the default), Daily or Weekly; <c>graceDays</c> 0 to 31 after the due day; optional
/// <c>capPerCharge</c> and <c>monthlyMaximum</c> amounts.
/// </summary>
public sealed record LateFeePolicyRequest(string? Basis, decimal? Rate, string? Accrual, int? GraceDays, decimal? CapPerCharge, decimal? MonthlyMaximum)
{
    /// <summary>The policy, or null with each problem named by its field in <paramref name="errors"/>.</summary>
    public LateFeePolicy? Validate(Dictionary<string, string[]> errors)
    {
        var basis = Parse<LateFeeBasis>(Basis, "basis", required: true, errors);
        var accrual = Parse<LateFeeAccrual>(Accrual, "accrual", required: false, errors) ?? LateFeeAccrual.OneTime;
        if (Rate is null)
            errors["rate"] = ["The rate is required: an amount for a Fixed basis, else a percentage."];
        if (GraceDays is null)
            errors["graceDays"] = ["The grace period in days after the due day is required (0 to 31)."];
        if (errors.Count > 0)
            return null;

        var policy = new LateFeePolicy
        {
            Basis = basis!.Value, Rate = Rate!.Value, Accrual = accrual, GraceDays = GraceDays!.Value, CapPerCharge = CapPerCharge,
            MonthlyMaximum = MonthlyMaximum,
        };
        foreach (var (field, problem) in policy.FieldProblems())
            errors[JsonNamingPolicy.CamelCase.ConvertName(field)] = [$"{field} {problem}"];
        return errors.Count > 0 ? null : policy;
    }

    static T? Parse<T>(string? value, string field, bool required, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (value is null && !required)
            return null;
        // Names only: Enum.TryParse would take "7" for a value no policy has.
        if (value is not null && !value.Any(char.IsDigit) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            return parsed;
        errors[field] = [$"{field} is one of {string.Join(", ", Enum.GetNames<T>())}."];
        return null;
    }
}

/// <summary>A lease's rent settings: whether it takes full payments only (partial payments are taken by default).</summary>
public sealed record LeaseRentSettingsRequest(bool? FullPaymentOnly);

public sealed record LeaseRentSettingsResponse(Guid LeaseId, bool FullPaymentOnly, DateTimeOffset SetAt);

/// <summary>A property's or a lease's own late-fee policy, for its charges posted from <see cref="EffectiveFrom"/> on.</summary>
public sealed record LateFeePolicyResponse(string Scope, Guid ScopeId, string Basis, decimal Rate, string Accrual, int GraceDays, decimal? CapPerCharge,
    decimal? MonthlyMaximum, DateTimeOffset EffectiveFrom)
{
    public static LateFeePolicyResponse From(LateFeePolicyRecord record) => new(record.Scope.ToString(), record.ScopeId, record.Policy.Basis.ToString(),
        record.Policy.Rate, record.Policy.Accrual.ToString(), record.Policy.GraceDays, record.Policy.CapPerCharge, record.Policy.MonthlyMaximum,
        record.EffectiveFrom);
}

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
    static readonly Uri RentPayments = new($"queue:{CommandRoutes.RentPayments}");

    /// <summary>
    /// <c>POST /api/rent-runs</c>, <c>GET /api/rent-runs/{id}</c>, <c>GET /api/leases/{id}/ledger</c> and the reads of
    /// late-fee policies: admins, accountants and property managers (the <c>rent</c> policy); setting a late-fee policy
    /// (<c>PUT /api/properties/{id}/late-fee-policy</c>, <c>PUT /api/leases/{id}/late-fee-policy</c>) and a lease's rent
    /// settings (<c>PUT /api/leases/{id}/rent-settings</c>): admins and accountants.
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

        runs.MapGet("/properties/{id:guid}/late-fee-policy", GetPropertyLateFeePolicyAsync).WithName("GetPropertyLateFeePolicy")
            .WithSummary("The property's own late-fee policy; 404 when it has none (the company's configured default applies).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/leases/{id:guid}/late-fee-policy", GetLeaseLateFeePolicyAsync).WithName("GetLeaseLateFeePolicy")
            .WithSummary("The lease's own late-fee policy; 404 when it has none (its property's, else the company's applies).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        var policies = api.MapGroup("").WithTags("Rent").RequireAuthorization(policy => policy.RequireRole(PolicyWriters));
        policies.MapPut("/properties/{id:guid}/late-fee-policy", SetPropertyLateFeePolicyAsync).WithName("SetPropertyLateFeePolicy")
            .WithSummary("Sets the property's late-fee policy for charges posted from now on (admins and accountants); charges already posted keep theirs.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        policies.MapPut("/leases/{id:guid}/rent-settings", SetLeaseRentSettingsAsync).WithName("SetLeaseRentSettings")
            .WithSummary("Sets whether the lease takes full payments only (admins and accountants); a smaller payment is then refunded, not applied.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        policies.MapPut("/leases/{id:guid}/late-fee-policy", SetLeaseLateFeePolicyAsync).WithName("SetLeaseLateFeePolicy")
            .WithSummary("Sets the lease's own late-fee policy, over its property's, for charges posted from now on (admins and accountants).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        policies.MapPost("/leases/{id:guid}/refunds", RefundCreditAsync).WithName("RefundLeaseCredit")
            .WithSummary("Pays back part of the lease's credit (its negative balance, deposits held excluded) from its received payments.")
            .WithDescription($"An `{IdempotencyKeys.Header}` header makes retries safe: the same key and body answer with the same refund.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    static readonly string[] PolicyWriters = [GatewayRoles.Admin, GatewayRoles.Accountant];

    public static Task<Results<Ok<LateFeePolicyResponse>, ProblemHttpResult>> GetPropertyLateFeePolicyAsync(Guid id, SqlSession session,
        LateFeePolicyStore policies, CancellationToken cancellationToken) => GetLateFeePolicyAsync(LateFeeScope.Property, id, session, policies, cancellationToken);

    public static Task<Results<Ok<LateFeePolicyResponse>, ProblemHttpResult>> GetLeaseLateFeePolicyAsync(Guid id, SqlSession session,
        LateFeePolicyStore policies, CancellationToken cancellationToken) => GetLateFeePolicyAsync(LateFeeScope.Lease, id, session, policies, cancellationToken);

    static async Task<Results<Ok<LateFeePolicyResponse>, ProblemHttpResult>> GetLateFeePolicyAsync(LateFeeScope scope, Guid id, SqlSession session,
        LateFeePolicyStore policies, CancellationToken cancellationToken) =>
        await session.ReadAsync(() => policies.FindAsync(session, scope, id, cancellationToken), cancellationToken) is { } record
            ? TypedResults.Ok(LateFeePolicyResponse.From(record))
            : ApiProblems.NotFound($"{scope} late-fee policy", id);

    public static async Task<Results<Ok<LateFeePolicyResponse>, ValidationProblem, ProblemHttpResult>> SetPropertyLateFeePolicyAsync(Guid id,
        LateFeePolicyRequest request, SqlSession session, PropertyStore properties, LateFeePolicyStore policies, BusOutbox outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await session.ReadAsync(() => properties.FindPropertyAsync(session, id, cancellationToken), cancellationToken) is null)
            return ApiProblems.NotFound("Property", id);
        return await SetLateFeePolicyAsync(LateFeeScope.Property, id, request, session, policies, outbox, time, cancellationToken);
    }

    public static async Task<Results<Ok<LateFeePolicyResponse>, ValidationProblem, ProblemHttpResult>> SetLeaseLateFeePolicyAsync(Guid id,
        LateFeePolicyRequest request, SqlSession session, LeaseReadModel leases, LateFeePolicyStore policies, BusOutbox outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await session.ReadAsync(() => leases.FindLeaseAsync(session, id, cancellationToken), cancellationToken) is null)
            return ApiProblems.NotFound("Lease", id);
        return await SetLateFeePolicyAsync(LateFeeScope.Lease, id, request, session, policies, outbox, time, cancellationToken);
    }

    public static async Task<Results<Ok<LeaseRentSettingsResponse>, ValidationProblem, ProblemHttpResult>> SetLeaseRentSettingsAsync(Guid id,
        LeaseRentSettingsRequest request, SqlSession session, LeaseReadModel leases, BusOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.FullPaymentOnly is not { } fullPaymentOnly)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fullPaymentOnly"] = ["fullPaymentOnly is true or false."] });
        if (await session.ReadAsync(() => leases.FindLeaseAsync(session, id, cancellationToken), cancellationToken) is null)
            return ApiProblems.NotFound("Lease", id);

        var settings = new SetLeaseRentSettings { LeaseId = id, FullPaymentOnly = fullPaymentOnly, SetAt = time.GetUtcNow() };
        await session.BeginAsync(cancellationToken);
        await outbox.Send(RentRuns, settings, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(new LeaseRentSettingsResponse(id, fullPaymentOnly, settings.SetAt));
    }

    /// <summary>The policy is kept for reading and sent to Billing in one transaction (the bus outbox): both or neither.</summary>
    static async Task<Results<Ok<LateFeePolicyResponse>, ValidationProblem, ProblemHttpResult>> SetLateFeePolicyAsync(LateFeeScope scope, Guid id,
        LateFeePolicyRequest request, SqlSession session, LateFeePolicyStore policies, BusOutbox outbox, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Validate(errors) is not { } policy)
            return TypedResults.ValidationProblem(errors);

        var record = new LateFeePolicyRecord(scope, id, policy, time.GetUtcNow());
        await session.BeginAsync(cancellationToken);
        await policies.SetAsync(session, record, cancellationToken);
        await outbox.Send(RentRuns, new SetLateFeePolicy
        {
            SettingId = NewId.NextGuid(), Scope = scope, ScopeId = id, Policy = policy, EffectiveFrom = record.EffectiveFrom,
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(LateFeePolicyResponse.From(record));
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

        // A deposit held for the tenant is listed but owed by nobody: it is not part of the balance.
        var held = RentReadModel.KindName(LedgerEntryKind.DepositHeld);
        var balance = entries.Where(e => e.Kind != held).Sum(e => e.Amount.Amount);
        return TypedResults.Ok(new LeaseLedgerResponse(id, day, entries, new Money(balance, currency)));
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

    public static async Task<Results<Accepted<LeaseRefundAccepted>, ValidationProblem, ProblemHttpResult>> RefundCreditAsync(Guid id,
        LeaseRefundRequest request, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey, ClaimsPrincipal user, SqlSession session,
        BusOutbox outbox, IdempotencyKeys keys, RentReadModel rent, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (idempotencyKey is not null && !IdempotencyKeys.IsWellFormed(idempotencyKey))
            errors[IdempotencyKeys.Header] = [$"An idempotency key is 1 to {IdempotencyKeys.MaxLength} printable ASCII characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var refundId = NewId.NextGuid();
        var requestedBy = StaffMember.NameOf(user);
        var fingerprint = request.Fingerprint(id);
        await session.BeginAsync(cancellationToken);
        if (idempotencyKey is not null && !await keys.ClaimAsync(session, requestedBy, idempotencyKey, fingerprint, refundId, now, cancellationToken))
        {
            var earlier = await keys.FindAsync(session, requestedBy, idempotencyKey, cancellationToken);
            await session.RollbackAsync();
            return earlier switch
            {
                null => ApiProblems.Conflict("Idempotency key in flux", $"The {IdempotencyKeys.Header} was being forgotten as this request came; send it again."),
                var (hash, earlierId) when hash == fingerprint => Refunded(id, earlierId),
                _ => ApiProblems.Unprocessable("Idempotency key reused", $"The {IdempotencyKeys.Header} was used before for a different request."),
            };
        }

        // The credit as the Gateway last saw it; Billing checks it again against its own ledger before any money moves.
        var entries = await rent.LedgerAsync(session, id, DateTimeOffset.MaxValue, cancellationToken);
        if (entries is null || await rent.CurrencyAsync(session, id, cancellationToken) is null)
        {
            await session.RollbackAsync();
            return ApiProblems.NotFound("Lease ledger", id);
        }
        var held = RentReadModel.KindName(LedgerEntryKind.DepositHeld);
        var credit = -entries.Where(e => e.Kind != held && e.Amount.Currency == request.Currency).Sum(e => e.Amount.Amount);
        if (credit < request.Amount!.Value)
        {
            await session.RollbackAsync();
            return ApiProblems.UnprocessableField("amount", "Credit too small",
                $"Lease {id} holds a credit of {Math.Max(credit, 0m).ToString(CultureInfo.InvariantCulture)} {request.Currency}, less than the amount.");
        }

        await outbox.Send(RentPayments, new RefundLeaseCredit
        {
            RefundId = refundId,
            LeaseId = id,
            Amount = new Money(request.Amount.Value, request.Currency!),
            Reason = request.Reason!.Trim(),
            RequestedBy = requestedBy,
            RequestedAt = now,
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Refunded(id, refundId);
    }

    static Accepted<LeaseRefundAccepted> Refunded(Guid leaseId, Guid refundId) =>
        TypedResults.Accepted($"/api/leases/{leaseId}/ledger", new LeaseRefundAccepted(refundId));
}
