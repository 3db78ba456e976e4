using MassTransit;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Messages.Devices;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Devices.Locks;

/// <summary>
/// Sends an unacknowledged lock command again each <see cref="DevicesMqttOptions.CommandAckTimeout"/>, and after
/// <see cref="DevicesMqttOptions.CommandAttempts"/> sends publishes <see cref="LockCommandUnacknowledged"/> for staff.
/// The due rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so with several instances each command is resent once.
/// </summary>
public sealed class LockCommandRetries(IServiceScopeFactory scopes, IOptions<DevicesMqttOptions> options, TimeProvider time, ILogger<LockCommandRetries> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromTicks(Math.Clamp(settings.CommandAckTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(poll, time, stoppingToken);
                await RetryDueAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Lock commands could not be retried this round");
            }
        }
    }

    async Task RetryDueAsync(DevicesMqttOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var session = services.GetRequiredService<SqlSession>();
        var commands = services.GetRequiredService<LockCommands>();
        var now = time.GetUtcNow();
        // A look without a write lock first: on SQLite a write transaction every few seconds would hold up the handlers.
        await session.BeginReadAsync(cancellationToken);
        var anyDue = (await commands.ClaimDueAsync(session, now, 1, cancellationToken)).Count > 0;
        await session.RollbackAsync();
        if (!anyDue)
            return;

        await session.BeginAsync(cancellationToken);
        var due = await commands.ClaimDueAsync(session, now, 50, cancellationToken);

        foreach (var command in due)
        {
            if (command.Attempts >= settings.CommandAttempts)
            {
                await commands.EscalateAsync(session, command.CommandId, now, cancellationToken);
                await services.GetRequiredService<BusOutbox>().Publish(new LockCommandUnacknowledged
                {
                    CommandId = command.CommandId, DeviceId = command.DeviceId, LeaseId = command.LeaseId, WorkOrderId = command.WorkOrderId,
                    Command = command.Command, Attempts = command.Attempts, EscalatedAt = now,
                }, cancellationToken);
                logger.LogWarning("Lock {DeviceId} acknowledged {Command} {CommandId} after none of {Attempts} sends: escalated", command.DeviceId,
                    command.Command, command.CommandId, command.Attempts);
                continue;
            }

            var device = await services.GetRequiredService<DeviceRegistry>().FindAsync(session, command.DeviceId, cancellationToken);
            if (device is null)
                continue;
            var hash = await services.GetRequiredService<LockCommandSender>().ResendAsync(device, command, cancellationToken);
            await commands.RecordAttemptAsync(session, command.CommandId, hash, now + settings.CommandAckTimeout, cancellationToken);
            if (hash is not null && command.LeaseId is { } leaseId)
                await services.GetRequiredService<DevicesStore>().ReplaceCodeHashAsync(session, leaseId, hash, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
    }
}
