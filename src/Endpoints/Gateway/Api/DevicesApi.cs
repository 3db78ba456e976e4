using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Devices;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>/api/devices</c> for admins, maintenance coordinators and property managers. <c>POST</c> registers a lock, leak
/// sensor or thermostat of a unit: the Gateway makes the device's MQTT password, answers it once and sends only its hash
/// to Devices (<see cref="RegisterDevice"/>, through the bus outbox), which gives the device its broker account.
/// <c>GET</c> lists the devices (last seen, battery, property and unit, kind), <c>GET /{id}</c> shows one, and
/// <c>GET /quarantine</c> the payloads Devices moved aside with their reasons, counted by reason; all from
/// <see cref="DeviceReadModel"/>, which follows Devices' events.
/// </summary>
static class DevicesApi
{
    static readonly Uri DeviceCommands = new($"queue:{CommandRoutes.DeviceCommands}");

    static readonly IReadOnlyList<string> Kinds = ["lock", "leak-sensor", "thermostat"];

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/devices").WithTags("Devices")
            .RequireAuthorization(p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.MaintenanceCoordinator, GatewayRoles.PropertyManager));
        group.MapPost("", RegisterAsync).WithName("RegisterDevice")
            .WithSummary("Registers a device of a unit; 201 with its MQTT user name, password (shown only in this answer) and topics.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("", ListAsync).WithName("ListDevices")
            .WithSummary("Lists registered devices a page at a time (propertyId, unitId, kind, limit, offset), with when each was last seen and its battery.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetDevice").WithSummary("Gets one device.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/quarantine", QuarantineAsync).WithName("ListQuarantinedPayloads")
            .WithSummary("Lists the payloads Devices moved aside, newest first (reasonKind, limit, offset), with their count by reason kind.")
            .ProducesValidationProblem();
    }

    public sealed record QuarantineResponse(Page<QuarantinedPayloadView> Payloads, IReadOnlyList<QuarantineCount> CountsByReason);

    static readonly IReadOnlyList<string> ReasonKinds =
        ["too-large", "not-a-device-topic", "unknown-device", "topic-mismatch", "malformed-json", "schema", "replayed", "not-applicable"];

    static async Task<Results<Ok<Page<DeviceView>>, ValidationProblem>> ListAsync(Guid? propertyId, Guid? unitId, string? kind, int? limit, int? offset,
        SqlSession session, DeviceReadModel devices, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        kind = string.IsNullOrEmpty(kind) ? null : kind;
        if (kind is not null && !Kinds.Contains(kind, StringComparer.Ordinal))
            errors["kind"] = [$"The kind is one of {string.Join(", ", Kinds)}."];
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => devices.ListAsync(session, new DeviceFilter(propertyId, unitId, kind), paging, cancellationToken),
            cancellationToken));
    }

    static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, DeviceReadModel devices,
        CancellationToken cancellationToken)
    {
        var found = await session.ReadAsync(() => devices.FindAsync(session, id, cancellationToken), cancellationToken);
        return found is null ? ApiProblems.NotFound("Device", id) : TypedResults.Ok(found);
    }

    static async Task<Results<Ok<QuarantineResponse>, ValidationProblem>> QuarantineAsync(string? reasonKind, int? limit, int? offset, SqlSession session,
        DeviceReadModel devices, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        reasonKind = string.IsNullOrEmpty(reasonKind) ? null : reasonKind;
        if (reasonKind is not null && !ReasonKinds.Contains(reasonKind, StringComparer.Ordinal))
            errors["reasonKind"] = [$"The reason kind is one of {string.Join(", ", ReasonKinds)}."];
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(async () => new QuarantineResponse(
            await devices.QuarantineAsync(session, reasonKind, paging, cancellationToken),
            await devices.QuarantineCountsAsync(session, cancellationToken)), cancellationToken));
    }

    public sealed record DeviceRequest(Guid? PropertyId, Guid? UnitId, string? Kind);

    /// <summary>What the device needs to connect; <see cref="Password"/> is not kept anywhere and cannot be read again.</summary>
    public sealed record DeviceRegistration(Guid DeviceId, string Kind, Guid PropertyId, Guid UnitId, string Username, string Password, string EventsTopic,
        string CommandsTopic);

    static async Task<Results<Created<DeviceRegistration>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        DeviceRequest request, SqlSession session, BusOutbox outbox, PropertyStore properties, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.PropertyId is null)
            errors["propertyId"] = ["propertyId is required."];
        if (request.UnitId is null)
            errors["unitId"] = ["unitId is required."];
        var kind = ApiProblems.OneOf(errors, "kind", request.Kind, Kinds);
        if (kind is null)
            errors.TryAdd("kind", [$"The kind is one of {string.Join(", ", Kinds)}."]);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        var unit = await properties.FindUnitAsync(session, request.UnitId!.Value, cancellationToken);
        var property = unit is null ? null : await properties.FindPropertyAsync(session, unit.PropertyId, cancellationToken);
        if (unit is null || property is null || unit.PropertyId != request.PropertyId)
        {
            await session.RollbackAsync();
            return ApiProblems.UnprocessableField("unitId", "Unit not found", $"Property {request.PropertyId} has no unit {request.UnitId}.");
        }

        var deviceId = NewId.NextGuid();
        var password = DeviceCredential.NewPassword();
        await outbox.Send(DeviceCommands, new RegisterDevice
        {
            DeviceId = deviceId,
            Kind = kind! switch { "lock" => DeviceKind.Lock, "leak-sensor" => DeviceKind.LeakSensor, _ => DeviceKind.Thermostat },
            PropertyId = property.PropertyId,
            UnitId = unit.UnitId,
            // Vendors list their areas as postal codes in lower case without spaces.
            ServiceArea = property.PostalCode.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant(),
            CredentialHash = DeviceCredential.Hash(password),
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        var topic = $"devices/{property.PropertyId}/{unit.UnitId}/{deviceId}";
        return TypedResults.Created($"/api/devices/{deviceId}",
            new DeviceRegistration(deviceId, kind!, property.PropertyId, unit.UnitId, deviceId.ToString(), password, $"{topic}/events", $"{topic}/commands"));
    }
}
