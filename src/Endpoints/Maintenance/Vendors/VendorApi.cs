using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// <c>/vendor/v1/work-orders</c>: a vendor, known by its API key (<c>Authorization: Bearer vk_…</c>), lists the jobs it has
/// been offered and accepts, declines, names a visit window or completes one with its invoice. Every action is a command
/// to the dispatch saga through the bus outbox; a work order the vendor holds no open offer for answers 404, exactly as
/// one that does not exist, so no vendor learns of another's work.
/// </summary>
public static class VendorApi
{
    static readonly Uri Dispatch = new($"queue:{CommandRoutes.MaintenanceDispatch}");

    public static IEndpointRouteBuilder MapVendorApi(this IEndpointRouteBuilder endpoints)
    {
        // The key is checked here, not by the host's staff authentication, so the routes are open to the key check alone.
        var api = endpoints.MapGroup("/vendor/v1/work-orders").AllowAnonymous();
        api.MapGet("", ListAsync);
        api.MapPost("/{id:guid}/accept", AcceptAsync);
        api.MapPost("/{id:guid}/decline", DeclineAsync);
        api.MapPost("/{id:guid}/visit-window", ProposeWindowAsync);
        api.MapPost("/{id:guid}/complete", CompleteAsync);
        return endpoints;
    }

    public sealed record AcceptRequest(DateTimeOffset? VisitFrom, DateTimeOffset? VisitUntil);

    public sealed record DeclineRequest(string? Reason);

    public sealed record CompleteRequest(string? InvoiceNumber, decimal? Amount, string? Currency, string? Notes);

    static async Task<Results<Ok<IReadOnlyList<VendorOffer>>, ProblemHttpResult>> ListAsync(
        HttpContext http, SqlSession session, VendorRegistry registry, VendorOffers offers, CancellationToken cancellationToken)
    {
        await session.BeginReadAsync(cancellationToken);
        try
        {
            if (await VendorAsync(http, session, registry, cancellationToken) is not { } vendorId)
                return Unauthorized();
            return TypedResults.Ok(await offers.OpenAsync(session, vendorId, 200, cancellationToken));
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    static Task<IResult> AcceptAsync(Guid id, AcceptRequest? request, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var window = request ?? new AcceptRequest(null, null);
        var errors = new Dictionary<string, string[]>();
        if (window.VisitFrom.HasValue != window.VisitUntil.HasValue)
            errors["visitUntil"] = ["Give both visitFrom and visitUntil, or neither."];
        else if (window.VisitUntil <= window.VisitFrom)
            errors["visitUntil"] = ["visitUntil must be after visitFrom."];
        return actions.RunAsync(http, id, errors, vendorId => new AcceptWorkOrder
        {
            WorkOrderId = id, VendorId = vendorId, VisitFrom = window.VisitFrom?.ToUniversalTime(), VisitUntil = window.VisitUntil?.ToUniversalTime(),
        }, cancellationToken);
    }

    static Task<IResult> DeclineAsync(Guid id, DeclineRequest? request, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var reason = request?.Reason?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
            errors["reason"] = ["A reason of 1 to 500 characters is required."];
        return actions.RunAsync(http, id, errors, vendorId => new DeclineWorkOrder { WorkOrderId = id, VendorId = vendorId, Reason = reason! },
            cancellationToken);
    }

    static Task<IResult> ProposeWindowAsync(Guid id, AcceptRequest? request, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.VisitFrom is not { } from)
            errors["visitFrom"] = ["visitFrom is required."];
        else if (request.VisitUntil is not { } until || until <= from)
            errors["visitUntil"] = ["visitUntil is required and must be after visitFrom."];
        return actions.RunAsync(http, id, errors, vendorId => new ProposeVisitWindow
        {
            WorkOrderId = id, VendorId = vendorId, VisitFrom = request!.VisitFrom!.Value.ToUniversalTime(),
            VisitUntil = request.VisitUntil!.Value.ToUniversalTime(),
        }, cancellationToken);
    }

    static Task<IResult> CompleteAsync(Guid id, CompleteRequest? request, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var invoiceNumber = request?.InvoiceNumber?.Trim();
        if (string.IsNullOrEmpty(invoiceNumber) || invoiceNumber.Length > 64)
            errors["invoiceNumber"] = ["An invoice number of 1 to 64 characters is required."];
        if (request?.Amount is not { } amount || amount <= 0 || amount > Money.MaxCharge || !Money.IsWholeCents(amount))
            errors["amount"] = [$"A positive amount in whole cents, at most {Money.MaxCharge}, is required."];
        if (!Money.IsTwoDecimalCurrency(request?.Currency))
            errors["currency"] = ["An ISO 4217 currency code with cents, such as USD, is required."];
        if (request?.Notes is { Length: > 2000 })
            errors["notes"] = ["Notes are at most 2000 characters."];
        return actions.RunAsync(http, id, errors, vendorId => new CompleteWorkOrder
        {
            WorkOrderId = id, VendorId = vendorId, InvoiceNumber = invoiceNumber!, InvoiceAmount = new Money(request!.Amount!.Value, request.Currency!),
            Notes = request.Notes,
        }, cancellationToken);
    }

    /// <summary>The vendor the request's key belongs to, or null for a missing, unknown or revoked key.</summary>
    static async Task<Guid?> VendorAsync(HttpContext http, SqlSession session, VendorRegistry registry, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            return null;
        return await registry.AuthenticateAsync(session, header[Bearer.Length..].Trim(), cancellationToken);
    }

    static ProblemHttpResult Unauthorized() => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Vendor API key required",
        detail: "Send a valid, unrevoked vendor API key as 'Authorization: Bearer <key>'.");

    /// <summary>Authenticates, checks the vendor's open offer, and sends the command in the transaction; refused requests change nothing.</summary>
    public sealed class Actions(SqlSession session, VendorRegistry registry, VendorOffers offers, BusOutbox outbox)
    {
        public async Task<IResult> RunAsync<T>(HttpContext http, Guid workOrderId, Dictionary<string, string[]> errors, Func<Guid, T> command,
            CancellationToken cancellationToken)
            where T : class
        {
            await session.BeginAsync(cancellationToken);
            try
            {
                if (await VendorAsync(http, session, registry, cancellationToken) is not { } vendorId)
                    return Unauthorized();
                if (errors.Count > 0)
                    return TypedResults.ValidationProblem(errors);
                if (await offers.FindOpenAsync(session, vendorId, workOrderId, cancellationToken) is null)
                    return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Work order not found",
                        detail: $"You hold no open offer of work order {workOrderId}.");

                await outbox.Send(Dispatch, command(vendorId), cancellationToken);
                await session.CommitAsync(cancellationToken);
                return TypedResults.Accepted((string?)null);
            }
            finally
            {
                if (session.InTransaction)
                    await session.RollbackAsync();
            }
        }
    }
}
