using System.Security.Claims;
using MassTransit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// Lease applications and leases. Reads come from the lease read model; changes become commands to the
/// lease-signing saga, sent through the bus outbox in the same transaction as the request's own rows, so an accepted
/// request is never a lost command and a refused one leaves nothing behind.
/// </summary>
static class LeasesApi
{
    static readonly Uri LeaseSigning = new($"queue:{CommandRoutes.LeaseSigning}");

    /// <summary>
    /// <c>/api/lease-applications</c> and <c>/api/leases</c>: any staff member reads; the <c>leasing</c> policy applies and
    /// cancels.
    /// </summary>
    public static void Map(RouteGroupBuilder api)
    {
        var reads = api.MapGroup("").WithTags("Leases").RequireAuthorization(GatewayPolicies.Staff);
        reads.MapGet("/leases", ListAsync).WithName("ListLeases").WithSummary("Lists leases, newest first or in the order sort names (newest, oldest, state, -state, lease-start, -lease-start); state, propertyId, limit, offset.");
        reads.MapGet("/leases/{id:guid}", GetAsync).WithName("GetLease").WithSummary("Gets a lease with its state and timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var changes = api.MapGroup("").WithTags("Leases").RequireAuthorization(GatewayPolicies.Leasing);
        changes.MapPost("/lease-applications", SubmitApplicationAsync).WithName("SubmitLeaseApplication")
            .WithSummary("Applies for a vacant unit and starts lease signing; 202 with the lease id and Location.")
            .WithDescription($"Send an `{IdempotencyKeys.Header}` header to make retries safe: a retry with the same key and body answers " +
                             "with the same lease and creates nothing; the same key with a different body is refused with 422. A unit that does not " +
                             "exist, belongs to another property or is not vacant is refused with 409. Without `applicantId` the applicant is the " +
                             "tenant with that email address (in any letter case), or a new tenant; an `applicantId` must name a known tenant (else " +
                             "422). An application never changes a known tenant: a name or email that differs from the tenant's as recorded is " +
                             "refused with 409 (change them with PATCH /api/tenants/{id}).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        changes.MapPost("/leases/{id:guid}/cancel", CancelAsync).WithName("CancelLease")
            .WithSummary("Withdraws a lease that is not active yet; 202, and the saga undoes what was done so far.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Accepted<LeaseAccepted>, ValidationProblem, ProblemHttpResult>> SubmitApplicationAsync(
        LeaseApplicationRequest request,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        ClaimsPrincipal user,
        SqlSession session,
        BusOutbox outbox,
        IdempotencyKeys keys,
        PropertyStore properties,
        LeaseReadModel leases,
        LeaseFollowUp followUp,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = request.Validate(DateOnly.FromDateTime(now.UtcDateTime));
        if (idempotencyKey is not null && !IdempotencyKeys.IsWellFormed(idempotencyKey))
            errors[IdempotencyKeys.Header] = [$"An idempotency key is 1 to {IdempotencyKeys.MaxLength} printable ASCII characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var leaseId = NewId.NextGuid();
        await session.BeginAsync(cancellationToken);

        // Claimed first: a retry racing the original waits here for it, then answers as the original did.
        if (idempotencyKey is not null && !await keys.ClaimAsync(session, StaffMember.NameOf(user), idempotencyKey, request.Fingerprint(),
                leaseId, now, cancellationToken))
        {
            var earlier = await keys.FindAsync(session, StaffMember.NameOf(user), idempotencyKey, cancellationToken);
            await session.RollbackAsync();
            return earlier switch
            {
                // Forgotten between the claim and the look-up (the retention ran out): the client's retry will claim it afresh.
                null => ApiProblems.Conflict("Idempotency key in flux", $"The {IdempotencyKeys.Header} was being forgotten as this request came; send it again."),
                var (fingerprint, earlierLeaseId) when fingerprint == request.Fingerprint() => Accepted(earlierLeaseId),
                _ => ApiProblems.Unprocessable("Idempotency key reused",
                    $"The {IdempotencyKeys.Header} was used before for a different application; use a new key for a new application."),
            };
        }

        var unit = await properties.LockUnitAsync(session, request.UnitId!.Value, cancellationToken);
        if (Unavailable(unit, request) is { } problem)
            return problem;

        var (tenant, refused) = await ApplicantAsync(request, session, leases, now, cancellationToken);
        if (refused is not null)
            return refused;

        var command = request.ToCommand(leaseId, tenant!);
        var lease = new LeaseRecord(leaseId, command.PropertyId, command.UnitId, command.ApplicantId, command.ApplicantName, command.ApplicantEmail,
            command.MonthlyRent, command.SecurityDeposit, command.LeaseStart, command.LeaseEnd, LeaseRecord.Submitted, 0, now, now);
        await leases.InsertLeaseAsync(session, lease, cancellationToken);
        await followUp.ApplyAsync(session, lease, contact: null, now, cancellationToken);
        await outbox.Send(LeaseSigning, command, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Accepted(leaseId);
    }

    /// <summary>
    /// The tenant the application is for, locked: the one <c>applicantId</c> names, else the one the email address belongs
    /// to (in any letter case), else a new one. An application never changes a known tenant, so one whose name or email
    /// differs from the tenant's as recorded is refused (409) rather than letting it rename or merge them.
    /// </summary>
    static async Task<(TenantRecord? Tenant, ProblemHttpResult? Refused)> ApplicantAsync(LeaseApplicationRequest request, SqlSession session,
        LeaseReadModel leases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TenantRecord? tenant;
        if (request.ApplicantId is { } applicantId)
        {
            tenant = await leases.LockTenantAsync(session, applicantId, cancellationToken);
            if (tenant is null)
                return (null, ApiProblems.UnprocessableField("applicantId", "Applicant not found",
                    $"No tenant {applicantId} exists; leave applicantId out to add the applicant as a new tenant."));
        }
        else
        {
            tenant = await leases.LockTenantByEmailAsync(session, request.Email, cancellationToken);
            if (tenant is null)
            {
                var added = new TenantRecord(NewId.NextGuid(), request.Name, request.Email, null, TenantStatus.Prospect, now, now);
                if (await leases.InsertTenantAsync(session, added, cancellationToken))
                    return (added, null);
                // Another application added this address first and has committed: it is that tenant's.
                tenant = await leases.LockTenantByEmailAsync(session, request.Email, cancellationToken)
                    ?? throw new InvalidOperationException("A tenant's email address was claimed and is gone.");
            }
        }

        if (tenant.Email is null || FieldRules.EmailKey(tenant.Email) != FieldRules.EmailKey(request.Email))
            return (null, ApiProblems.Conflict("Applicant details differ",
                $"Tenant {tenant.TenantId} is recorded with another email address. Apply with the tenant's details as recorded, " +
                $"or change them first with PATCH /api/tenants/{tenant.TenantId}."));
        if (!string.Equals(tenant.Name.Trim(), request.Name, StringComparison.OrdinalIgnoreCase))
            return (null, ApiProblems.Conflict("Applicant details differ",
                $"The email address belongs to tenant {tenant.TenantId}, who is recorded under another name. Apply with the tenant's " +
                $"details as recorded, or change them first with PATCH /api/tenants/{tenant.TenantId}."));
        return (tenant, null);
    }

    public static async Task<Results<Ok<Page<LeaseResponse>>, ValidationProblem>> ListAsync(string? state, Guid? propertyId, int? limit, int? offset,
        string? sort, ClaimsPrincipal user, IAuthorizationService authorization, SqlSession session, LeaseReadModel leases,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = ApiProblems.Paging(limit, offset, errors);
        var known = ApiProblems.OneOf(errors, "state", state, LeaseRecord.States);
        var order = ApiProblems.OneOf(errors, "sort", sort, [.. LeaseReadModel.Orders.Keys]) ?? "newest";
        if (paging is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var page = await session.ReadAsync(() => leases.ListLeasesAsync(session, known, propertyId, order, paging, cancellationToken), cancellationToken);
        var contact = await SeesTenantContactAsync(user, authorization);
        return TypedResults.Ok(new Page<LeaseResponse>(page.Items.Select(lease => LeaseResponse.From(lease, contact: contact)).ToList(), page.Limit,
            page.Offset, page.Total));
    }

    public static async Task<Results<Ok<LeaseResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, IAuthorizationService authorization,
        SqlSession session, LeaseReadModel leases, CancellationToken cancellationToken)
    {
        var contact = await SeesTenantContactAsync(user, authorization);
        var lease = await session.ReadAsync(async () => await leases.FindLeaseAsync(session, id, cancellationToken) is { } found
            ? LeaseResponse.From(found, await leases.TimelineAsync(session, id, cancellationToken), contact)
            : null, cancellationToken);
        return lease is null ? ApiProblems.NotFound("Lease", id) : TypedResults.Ok(lease);
    }

    // Every staff member reads leases, but a tenant's email address only goes to the roles that deal with tenants.
    static async Task<bool> SeesTenantContactAsync(ClaimsPrincipal user, IAuthorizationService authorization) =>
        (await authorization.AuthorizeAsync(user, GatewayPolicies.TenantContacts)).Succeeded;

    public static async Task<Results<Accepted<LeaseAccepted>, ValidationProblem, ProblemHttpResult>> CancelAsync(Guid id, CancelLeaseRequest? request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, LeaseReadModel leases, CancellationToken cancellationToken)
    {
        request ??= new CancelLeaseRequest(null);
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        if (await leases.LockLeaseAsync(session, id, cancellationToken) is not { } lease)
            return ApiProblems.NotFound("Lease", id);
        if (lease.IsFinal)
            return ApiProblems.Conflict("Lease already ended", $"Lease {id} is {lease.State}; only a lease that is not active yet can be cancelled.");

        await outbox.Send(LeaseSigning, new CancelLease { LeaseId = id, Reason = request.Reason!.Trim(), CancelledBy = StaffMember.NameOf(user) },
            cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Accepted(id);
    }

    static Accepted<LeaseAccepted> Accepted(Guid leaseId) => TypedResults.Accepted($"/api/leases/{leaseId}", new LeaseAccepted(leaseId));

    static ProblemHttpResult? Unavailable(UnitRecord? unit, LeaseApplicationRequest request) => unit switch
    {
        null => ApiProblems.Conflict("Unit not available", $"No unit {request.UnitId} exists."),
        _ when unit.PropertyId != request.PropertyId => ApiProblems.Conflict("Unit not available",
            $"Unit {unit.UnitId} belongs to property {unit.PropertyId}, not {request.PropertyId}."),
        _ when unit.Status != UnitStatus.Vacant => ApiProblems.Conflict("Unit not available",
            $"Unit {unit.UnitId} is {unit.Status}{(unit.LeaseId is { } holder ? $" by lease {holder}" : "")}; only a vacant unit takes an application."),
        _ => null,
    };
}
