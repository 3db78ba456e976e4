using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Devices;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>POST /api/devices</c> for admins, maintenance coordinators and property managers: registers a lock, leak sensor or
/// thermostat of a unit. The Gateway makes the device's MQTT password, answers it once and sends only its hash to
/// Devices (<see cref="RegisterDevice"/>, through the bus outbox), which gives the device its broker account.
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
