using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
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

    static async Task<IResult> AcceptAsync(Guid id, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var (request, errors) = await BodyAsync<AcceptRequest>(http, cancellationToken);
        var window = request ?? new AcceptRequest(null, null);
        // A body refused as a whole has no fields to check.
        if (errors.Count == 0 && window.VisitFrom.HasValue != window.VisitUntil.HasValue)
            errors["visitUntil"] = ["Give both visitFrom and visitUntil, or neither."];
        else if (errors.Count == 0 && window.VisitUntil <= window.VisitFrom)
            errors["visitUntil"] = ["visitUntil must be after visitFrom."];
        return await actions.RunAsync(http, id, errors, vendorId => new AcceptWorkOrder
        {
            WorkOrderId = id, VendorId = vendorId, VisitFrom = window.VisitFrom?.ToUniversalTime(), VisitUntil = window.VisitUntil?.ToUniversalTime(),
        }, cancellationToken);
    }

    static async Task<IResult> DeclineAsync(Guid id, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var (request, errors) = await BodyAsync<DeclineRequest>(http, cancellationToken);
        var reason = request?.Reason?.Trim();
        if (errors.Count == 0 && (string.IsNullOrEmpty(reason) || reason.Length > 500))
            errors["reason"] = ["A reason of 1 to 500 characters is required."];
        return await actions.RunAsync(http, id, errors, vendorId => new DeclineWorkOrder { WorkOrderId = id, VendorId = vendorId, Reason = reason! },
            cancellationToken);
    }

    static async Task<IResult> ProposeWindowAsync(Guid id, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var (request, errors) = await BodyAsync<AcceptRequest>(http, cancellationToken);
        if (errors.Count == 0 && request?.VisitFrom is not { } from)
            errors["visitFrom"] = ["visitFrom is required."];
        else if (errors.Count == 0 && (request!.VisitUntil is not { } until || until <= request.VisitFrom))
            errors["visitUntil"] = ["visitUntil is required and must be after visitFrom."];
        return await actions.RunAsync(http, id, errors, vendorId => new ProposeVisitWindow
        {
            WorkOrderId = id, VendorId = vendorId, VisitFrom = request!.VisitFrom!.Value.ToUniversalTime(),
            VisitUntil = request.VisitUntil!.Value.ToUniversalTime(),
        }, cancellationToken);
    }

    static async Task<IResult> CompleteAsync(Guid id, HttpContext http, Actions actions, CancellationToken cancellationToken)
    {
        var (request, errors) = await BodyAsync<CompleteRequest>(http, cancellationToken);
        var invoiceNumber = request?.InvoiceNumber?.Trim();
        if (errors.Count == 0)
        {
            if (string.IsNullOrEmpty(invoiceNumber) || invoiceNumber.Length > 64)
                errors["invoiceNumber"] = ["An invoice number of 1 to 64 characters is required."];
            if (request?.Amount is not { } amount || amount <= 0 || amount > Money.MaxCharge || !Money.IsWholeCents(amount))
                errors["amount"] = [$"A positive amount in whole cents, at most {Money.MaxCharge}, is required."];
            if (!Money.IsTwoDecimalCurrency(request?.Currency))
                errors["currency"] = ["An ISO 4217 currency code with cents, such as USD, is required."];
            if (request?.Notes is { Length: > 2000 })
                errors["notes"] = ["Notes are at most 2000 characters."];
        }
        return await actions.RunAsync(http, id, errors, vendorId => new CompleteWorkOrder
        {
            WorkOrderId = id, VendorId = vendorId, InvoiceNumber = invoiceNumber!, InvoiceAmount = new Money(request!.Amount!.Value, request.Currency!),
            Notes = request.Notes,
        }, cancellationToken);
    }

    const int MaxBody = 16 * 1024;

    /// <summary>
    /// The JSON body as <typeparamref name="T"/>, or an error naming <c>body</c>: an empty body is no body; one that is not
    /// JSON, not an object of these fields or larger than 16 KiB is refused with 400 rather than a bare status.
    /// </summary>
    static async Task<(T? Body, Dictionary<string, string[]> Errors)> BodyAsync<T>(HttpContext http, CancellationToken cancellationToken)
        where T : class
    {
        var errors = new Dictionary<string, string[]>();
        if (http.Request.ContentLength is > MaxBody)
        {
            errors["body"] = [$"The body is at most {MaxBody} bytes."];
            return (null, errors);
        }

        using var buffer = new MemoryStream();
        var read = new byte[4096];
        int count;
        while ((count = await http.Request.Body.ReadAsync(read, cancellationToken)) > 0)
        {
            if (buffer.Length + count > MaxBody)
            {
                errors["body"] = [$"The body is at most {MaxBody} bytes."];
                return (null, errors);
            }

            buffer.Write(read, 0, count);
        }

        if (buffer.Length == 0)
            return (null, errors);
        try
        {
            return (JsonSerializer.Deserialize<T>(buffer.ToArray(), JsonSerializerOptions.Web), errors);
        }
        catch (JsonException exception)
        {
            errors[string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "body" : exception.Path.TrimStart('$', '.')] =
                ["Not valid JSON for this request: an object with the documented fields."];
            return (null, errors);
        }
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
