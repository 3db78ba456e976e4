using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestration.Messages.Maintenance;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>POST /api/work-orders</c>, <c>GET /api/work-orders</c> (a page, filtered and sorted on the server) and
/// <c>GET /api/work-orders/{id}</c> for admins, property managers and maintenance coordinators. A request becomes <see cref="RequestWorkOrder"/> to the dispatch saga through the bus outbox, in the
/// transaction that records the work order here; the state and timeline follow the saga's events.
/// </summary>
static class WorkOrdersApi
{
    static readonly Uri Dispatch = new($"queue:{CommandRoutes.MaintenanceDispatch}");

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/work-orders").WithTags("Work orders")
            .RequireAuthorization(p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.PropertyManager, GatewayRoles.MaintenanceCoordinator));
        group.MapPost("", RequestAsync).WithName("RequestWorkOrder")
            .WithSummary("Opens a work order for a unit; 202 with its id. The dispatch saga triages it and finds a vendor.")
            .WithDescription($"An `{IdempotencyKeys.Header}` header makes retries safe: the same key and body answer with the same work order.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("ListWorkOrders")
            .WithSummary("Lists work orders a page at a time (state, priority, propertyId, sort, limit, offset); newest request first by default.")
            .WithDescription($"sort is one of {string.Join(", ", WorkOrderReadModel.Sorts.Keys)}.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetWorkOrder").WithSummary("Gets a work order with its state and timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public sealed record WorkOrderRequest(Guid? PropertyId, Guid? UnitId, string? Category, string? Description, string? TenantName, string? TenantEmail)
    {
        public Dictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            if (PropertyId is null)
                errors["propertyId"] = ["propertyId is required."];
            if (UnitId is null)
                errors["unitId"] = ["unitId is required."];
            if (Category?.Trim() is not { Length: > 0 and <= 40 } category || !category.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                errors["category"] = ["A trade such as plumbing, electrical, hvac, locksmith or general: letters, digits and '-', at most 40."];
            FieldRules.Text(errors, "description", Description, 2000, "A description");
            if (TenantEmail is not null)
            {
                FieldRules.Email(errors, "tenantEmail", TenantEmail);
                FieldRules.Text(errors, "tenantName", TenantName, 200, "The tenant's name");
            }

            return errors;
        }

        public string Fingerprint() => string.Join('\u001f', "work-order", PropertyId, UnitId, Category?.Trim().ToLowerInvariant(), Description?.Trim(),
            TenantName?.Trim(), TenantEmail?.Trim().ToLowerInvariant());
    }

    public sealed record WorkOrderAccepted(Guid WorkOrderId);

    public sealed record WorkOrderResponse(
        Guid WorkOrderId, Guid PropertyId, Guid UnitId, string Category, string Description, string? Priority, string State, string RequestedBy,
        DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, IReadOnlyList<WorkOrderStep> Timeline);

    static async Task<Results<Accepted<WorkOrderAccepted>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        WorkOrderRequest request,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, IdempotencyKeys keys, PropertyStore properties, WorkOrderReadModel workOrders,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (idempotencyKey is not null && !IdempotencyKeys.IsWellFormed(idempotencyKey))
            errors[IdempotencyKeys.Header] = [$"An idempotency key is 1 to {IdempotencyKeys.MaxLength} printable ASCII characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var workOrderId = MassTransit.NewId.NextGuid();
        var requestedBy = StaffMember.NameOf(user);
        await session.BeginAsync(cancellationToken);
        if (idempotencyKey is not null
            && !await keys.ClaimAsync(session, requestedBy, idempotencyKey, request.Fingerprint(), workOrderId, now, cancellationToken))
        {
            var earlier = await keys.FindAsync(session, requestedBy, idempotencyKey, cancellationToken);
            await session.RollbackAsync();
            return earlier switch
            {
                null => ApiProblems.Conflict("Idempotency key in flux", $"The {IdempotencyKeys.Header} was being forgotten as this request came; send it again."),
                var (fingerprint, earlierId) when fingerprint == request.Fingerprint() => Accepted(earlierId),
                _ => ApiProblems.Unprocessable("Idempotency key reused", $"The {IdempotencyKeys.Header} was used before for a different request."),
            };
        }

        var unit = await properties.FindUnitAsync(session, request.UnitId!.Value, cancellationToken);
        var property = unit is null ? null : await properties.FindPropertyAsync(session, unit.PropertyId, cancellationToken);
        if (unit is null || property is null || unit.PropertyId != request.PropertyId)
            return ApiProblems.UnprocessableField("unitId", "Unit not found", $"Property {request.PropertyId} has no unit {request.UnitId}.");

        var category = request.Category!.Trim().ToLowerInvariant();
        var description = request.Description!.Trim();
        await workOrders.InsertAsync(session, new WorkOrderRecord(workOrderId, property.PropertyId, unit.UnitId, category, description, null,
            WorkOrderReadModel.Requested, 0, requestedBy, now, now), cancellationToken);
        await outbox.Send(Dispatch, new RequestWorkOrder
        {
            WorkOrderId = workOrderId,
            PropertyId = property.PropertyId,
            UnitId = unit.UnitId,
            Source = WorkOrderSource.Staff,
            Category = category,
            Description = description,
            // Vendors list their areas as postal codes in lower case without spaces.
            ServiceArea = property.PostalCode.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant(),
            RequestedBy = requestedBy,
            TenantName = request.TenantEmail is null ? null : request.TenantName?.Trim(),
            TenantEmail = request.TenantEmail?.Trim(),
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Accepted(workOrderId);
    }

    public sealed record WorkOrderSummary(
        Guid WorkOrderId, Guid PropertyId, Guid UnitId, string Category, string? Priority, string State, string RequestedBy, DateTimeOffset RequestedAt,
        DateTimeOffset UpdatedAt);

    static readonly IReadOnlyList<string> States =
        [WorkOrderReadModel.Requested, "ChoosingVendor", "AwaitingAcceptance", "AwaitingVisitWindow", "Scheduled", "AwaitingStaff", "AwaitingApproval",
            "Completed", "Cancelled"];

    static readonly IReadOnlyList<string> Priorities = Enum.GetNames<WorkOrderPriority>();

    static async Task<Results<Ok<Page<WorkOrderSummary>>, ValidationProblem>> ListAsync(string? state, string? priority, Guid? propertyId, string? sort,
        int? limit, int? offset, SqlSession session, WorkOrderReadModel workOrders, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        state = string.IsNullOrEmpty(state) ? null : state;
        priority = string.IsNullOrEmpty(priority) ? null : priority;
        sort = string.IsNullOrEmpty(sort) ? "-requestedAt" : sort;
        if (state is not null && !States.Contains(state, StringComparer.Ordinal))
            errors["state"] = [$"The state is one of {string.Join(", ", States)}."];
        if (priority is not null && !Priorities.Contains(priority, StringComparer.Ordinal))
            errors["priority"] = [$"The priority is one of {string.Join(", ", Priorities)}."];
        if (!WorkOrderReadModel.Sorts.ContainsKey(sort))
            errors["sort"] = [$"The sort is one of {string.Join(", ", WorkOrderReadModel.Sorts.Keys)}."];
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var page = await session.ReadAsync(() => workOrders.ListAsync(session, new WorkOrderFilter(state, priority, propertyId), sort, paging,
            cancellationToken), cancellationToken);
        return TypedResults.Ok(page.Select(o => new WorkOrderSummary(o.WorkOrderId, o.PropertyId, o.UnitId, o.Category, o.Priority, o.State,
            o.RequestedBy, o.RequestedAt, o.UpdatedAt)));
    }

    static async Task<Results<Ok<WorkOrderResponse>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, WorkOrderReadModel workOrders,
        CancellationToken cancellationToken)
    {
        var found = await session.ReadAsync(async () => await workOrders.FindAsync(session, id, cancellationToken) is { } order
            ? new WorkOrderResponse(order.WorkOrderId, order.PropertyId, order.UnitId, order.Category, order.Description, order.Priority, order.State,
                order.RequestedBy, order.RequestedAt, order.UpdatedAt, await workOrders.TimelineAsync(session, id, cancellationToken))
            : null, cancellationToken);
        return found is null ? ApiProblems.NotFound("Work order", id) : TypedResults.Ok(found);
    }

    static Accepted<WorkOrderAccepted> Accepted(Guid id) => TypedResults.Accepted($"/api/work-orders/{id}", new WorkOrderAccepted(id));
}
