using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Properties and their units: master data the Gateway owns, which every process that deals with a unit refers to.</summary>
static class PropertiesApi
{
    /// <summary><c>/api/properties</c> and their units: any staff member reads; the <c>leasing</c> policy adds and changes.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        var reads = api.MapGroup("").RequireAuthorization(GatewayPolicies.Staff);
        var properties = reads.MapGroup("/properties").WithTags("Properties");
        properties.MapGet("/", ListAsync).WithName("ListProperties").WithSummary("Lists properties by name (limit, offset).");
        properties.MapGet("/{id:guid}", GetAsync).WithName("GetProperty").WithSummary("Gets a property.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        var units = reads.MapGroup("").WithTags("Units");
        units.MapGet("/properties/{id:guid}/units", ListUnitsAsync).WithName("ListUnits").WithSummary("Lists a property's units by label.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        units.MapGet("/units/{id:guid}", GetUnitAsync).WithName("GetUnit")
            .WithSummary("Gets a unit with its occupancy (vacant, held or leased) and the lease behind it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var changes = api.MapGroup("").RequireAuthorization(GatewayPolicies.Leasing);
        var propertyChanges = changes.MapGroup("/properties").WithTags("Properties");
        propertyChanges.MapPost("/", CreateAsync).WithName("CreateProperty").WithSummary("Adds a property; 201 with its Location.");
        propertyChanges.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateProperty").WithSummary("Replaces a property's name and address.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        changes.MapPost("/properties/{id:guid}/units", AddUnitAsync).WithTags("Units").WithName("AddUnit")
            .WithSummary("Adds a vacant unit to a property; 201 with its Location.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        changes.MapPut("/units/{id:guid}", UpdateUnitAsync).WithTags("Units").WithName("UpdateUnit")
            .WithSummary("Replaces a unit's label, rooms, floor area and market rent; its occupancy follows its lease and is not changed here.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<Page<PropertyRecord>>, ValidationProblem>> ListAsync(int? limit, int? offset, SqlSession session, PropertyStore store,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => store.ListPropertiesAsync(session, paging, cancellationToken), cancellationToken));
    }

    public static async Task<Results<Ok<PropertyRecord>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, PropertyStore store,
        CancellationToken cancellationToken) =>
        await session.ReadAsync(() => store.FindPropertyAsync(session, id, cancellationToken), cancellationToken) is { } property
            ? TypedResults.Ok(property)
            : ApiProblems.NotFound("Property", id);

    public static async Task<Results<Created<PropertyRecord>, ValidationProblem>> CreateAsync(PropertyRequest request, SqlSession session, PropertyStore store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var property = Record(NewId.NextGuid(), request, now, now);
        await session.BeginAsync(cancellationToken);
        await store.InsertPropertyAsync(session, property, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/properties/{property.PropertyId}", property);
    }

    public static async Task<Results<Ok<PropertyRecord>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, PropertyRequest request,
        SqlSession session, PropertyStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        if (await store.FindPropertyAsync(session, id, cancellationToken) is not { } known)
            return ApiProblems.NotFound("Property", id);

        var property = Record(id, request, known.CreatedAt, time.GetUtcNow());
        await store.UpdatePropertyAsync(session, property, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(property);
    }

    public static async Task<Results<Ok<IReadOnlyList<UnitRecord>>, ProblemHttpResult>> ListUnitsAsync(Guid id, SqlSession session, PropertyStore store,
        CancellationToken cancellationToken)
    {
        var units = await session.ReadAsync(async () => await store.FindPropertyAsync(session, id, cancellationToken) is null
            ? null
            : await store.ListUnitsAsync(session, id, cancellationToken), cancellationToken);
        return units is null ? ApiProblems.NotFound("Property", id) : TypedResults.Ok(units);
    }

    public static async Task<Results<Created<UnitRecord>, ValidationProblem, ProblemHttpResult>> AddUnitAsync(Guid id, UnitRequest request,
        SqlSession session, PropertyStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var unit = new UnitRecord(NewId.NextGuid(), id, request.Label!.Trim(), request.Bedrooms!.Value, request.Bathrooms!.Value, request.SquareFeet!.Value,
            request.Rent, UnitStatus.Vacant, null, time.GetUtcNow());
        await session.BeginAsync(cancellationToken);
        if (await store.FindPropertyAsync(session, id, cancellationToken) is null)
            return ApiProblems.NotFound("Property", id);
        if (!await store.InsertUnitAsync(session, unit, cancellationToken))
            return ApiProblems.Conflict("Unit label taken", $"Property {id} already has a unit labelled \"{unit.Label}\".");
        await session.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/units/{unit.UnitId}", unit);
    }

    public static async Task<Results<Ok<UnitRecord>, ValidationProblem, ProblemHttpResult>> UpdateUnitAsync(Guid id, UnitRequest request,
        SqlSession session, PropertyStore store, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        if (await store.LockUnitAsync(session, id, cancellationToken) is not { } known)
            return ApiProblems.NotFound("Unit", id);
        var unit = known with
        {
            Label = request.Label!.Trim(), Bedrooms = request.Bedrooms!.Value, Bathrooms = request.Bathrooms!.Value, SquareFeet = request.SquareFeet!.Value,
            MarketRent = request.Rent,
        };
        if (!await store.UpdateUnitAsync(session, unit, cancellationToken))
            return ApiProblems.Conflict("Unit label taken", $"Property {unit.PropertyId} already has another unit labelled \"{unit.Label}\".");
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(unit);
    }

    public static async Task<Results<Ok<UnitRecord>, ProblemHttpResult>> GetUnitAsync(Guid id, SqlSession session, PropertyStore store,
        CancellationToken cancellationToken) =>
        await session.ReadAsync(() => store.FindUnitAsync(session, id, cancellationToken), cancellationToken) is { } unit
            ? TypedResults.Ok(unit)
            : ApiProblems.NotFound("Unit", id);

    static PropertyRecord Record(Guid id, PropertyRequest request, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        id,
        request.Name!.Trim(),
        request.AddressLine1!.Trim(),
        PropertyRequest.Trimmed(request.AddressLine2),
        request.City!.Trim(),
        PropertyRequest.Trimmed(request.Region),
        request.PostalCode!.Trim(),
        request.Country!.ToUpperInvariant(),
        createdAt,
        updatedAt);
}
