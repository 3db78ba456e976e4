using MassTransit;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices.Registry;

/// <summary>
/// Adds a device to the registry and, on RabbitMQ, gives it its broker account and topic permissions (the embedded
/// broker reads the registry itself). A repeat finds the device registered and makes the account again, which changes
/// nothing, so an account whose creation failed is made on the retry.
/// </summary>
public sealed class RegisterDeviceConsumer(SqlSession session, DeviceRegistry registry, BrokerAccounts accounts, TimeProvider time,
    ILogger<RegisterDeviceConsumer> logger) : IConsumer<RegisterDevice>
{
    public async Task Consume(ConsumeContext<RegisterDevice> context)
    {
        var command = context.Message;
        var now = time.GetUtcNow();
        if (await registry.TryRegisterAsync(session, command, now, context.CancellationToken))
            logger.LogInformation("Device {DeviceId} ({Kind}) registered on unit {UnitId}", command.DeviceId, command.Kind, command.UnitId);
        var device = await registry.FindAsync(session, command.DeviceId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Device {command.DeviceId} is not in the registry after its registration.");
        if (accounts.Enabled)
            await accounts.EnsureAsync(device, context.CancellationToken);
        await context.Publish(new DeviceRegistered
        {
            DeviceId = device.DeviceId, Kind = device.Kind, PropertyId = device.PropertyId, UnitId = device.UnitId, RegisteredAt = device.RegisteredAt,
        }, context.CancellationToken);
    }
}
