using MassTransit;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.Alarms;
using Orchestration.Endpoints.Devices.Locks;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;
using Orchestration.Messages.Maintenance;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// Turns one payload from a device's events topic into what it means, in one transaction: the device's message id and
/// sequence are claimed (a repeat is dropped, another message with a sequence already taken is a replay), the registry notes it was seen, and what it causes (a work order request, an access
/// code confirmed) goes through the bus outbox with a message id derived from the device's message. A payload that is
/// too large, not JSON, off the schema, from an unknown device or a topic not its own, or a replay (a sequence taken, or
/// more than <see cref="DevicesMqttOptions.SequenceWindow"/> behind the device's newest) is moved to <c>quarantined_payloads</c> with its reason instead. One scope per payload.
/// </summary>
public sealed class DevicePayloadHandler(
    SqlSession session, BusOutbox outbox, DeviceRegistry registry, DeviceAlarms alarms, LockCommands commands, IOptions<DevicesMqttOptions> options,
    TimeProvider time, PayloadMetrics metrics, ILogger<DevicePayloadHandler> logger)
{
    const int HeadBytes = 256;
    static readonly Uri Dispatch = new($"queue:{CommandRoutes.MaintenanceDispatch}");

    public async Task<PayloadOutcome> HandleAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var maximum = options.Value.MaxPayloadBytes;
        if (payload.Length > maximum)
            return await QuarantineOutsideAsync(topic, null, $"payload of {payload.Length} bytes is larger than {maximum}", payload, now, cancellationToken);
        if (DeviceTopics.ParseEvents(topic) is not var (propertyId, unitId, deviceId))
            return await QuarantineOutsideAsync(topic, null, "not a device events topic", payload, now, cancellationToken);

        var (parsed, schemaError) = DevicePayload.Parse(payload.Span);
        await session.BeginAsync(cancellationToken);
        var device = await registry.FindAsync(session, deviceId, cancellationToken);
        var reason = device is null ? "unknown device"
            : device.PropertyId != propertyId || device.UnitId != unitId ? "topic does not match the device's registration"
            : schemaError;
        if (reason is null && device!.LastSequence is { } last && parsed!.Sequence <= last)
        {
            // An old sequence is a repeat of a message handled before, a message that arrived after a newer one (within
            // the window: its claim below tells whether the sequence is taken), or a replay under a new message id.
            if (await registry.IsClaimedAsync(session, deviceId, parsed.MessageId, cancellationToken))
                return await DuplicateAsync();
            if (parsed.Sequence < last - options.Value.SequenceWindow)
                reason = $"replayed sequence {parsed.Sequence} (the device is at {last})";
        }

        if (reason is not null)
            return await QuarantineAsync(topic, device?.DeviceId, reason, payload, now, cancellationToken);
        if (!await registry.TryClaimMessageAsync(session, deviceId, parsed!.MessageId, parsed.Sequence, now, cancellationToken))
        {
            if (await registry.IsClaimedAsync(session, deviceId, parsed.MessageId, cancellationToken))
                return await DuplicateAsync();
            return await QuarantineAsync(topic, deviceId, $"replayed sequence {parsed.Sequence} (taken by another message)", payload, now,
                cancellationToken);
        }

        reason = await ApplyAsync(device!, parsed, now, cancellationToken);
        if (reason is not null)
        {
            await session.RollbackAsync();
            await session.BeginAsync(cancellationToken);
            return await QuarantineAsync(topic, device!.DeviceId, reason, payload, now, cancellationToken);
        }

        await registry.SeenAsync(session, deviceId, parsed.Sequence, parsed.BatteryPercent, now, cancellationToken);
        if (IsNews(device!, parsed.BatteryPercent, now))
            await outbox.Publish(new DeviceSeen { DeviceId = deviceId, SeenAt = now, BatteryPercent = parsed.BatteryPercent ?? device!.BatteryPercent },
                cancellationToken);
        await session.CommitAsync(cancellationToken);
        metrics.Counted(PayloadOutcome.Accepted);
        return PayloadOutcome.Accepted;
    }

    /// <summary>A changed battery level, or the first word from the device in a reporting interval.</summary>
    bool IsNews(DeviceRecord device, int? batteryPercent, DateTimeOffset now) =>
        (batteryPercent.HasValue && batteryPercent != device.BatteryPercent)
        || device.LastSeenAt is not { } lastSeen || now - lastSeen >= options.Value.SeenReportInterval;

    async Task<PayloadOutcome> DuplicateAsync()
    {
        await session.RollbackAsync();
        metrics.Counted(PayloadOutcome.Duplicate);
        return PayloadOutcome.Duplicate;
    }

    /// <summary>Does what the payload means; a reason when it cannot be applied.</summary>
    async Task<string?> ApplyAsync(DeviceRecord device, DevicePayload payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (payload.Type == DevicePayload.AlarmType)
            await OpenWorkOrderAsync(device, payload, payload.Alarm!, "plumbing",
                $"Device alarm \"{payload.Alarm}\" from {device.Kind} {device.DeviceId}", now, cancellationToken);
        if (payload.BatteryPercent is { } battery && battery <= options.Value.LowBatteryPercent)
            await OpenWorkOrderAsync(device, payload, "low-battery", "general",
                $"Replace the battery of {device.Kind} {device.DeviceId}: {battery} % left", now, cancellationToken);
        if (payload.Type == DevicePayload.AckType)
        {
            if (device.Kind != DeviceKind.Lock)
                return "schema: only a lock acknowledges commands";
            var command = await commands.FindAsync(session, payload.CommandId!.Value, cancellationToken);
            if (command is null || command.DeviceId != device.DeviceId)
                return $"acknowledges a command {payload.CommandId} this lock was not sent";
            if (await commands.AcknowledgeAsync(session, command.CommandId, now, cancellationToken))
                await AnnounceAsync(command, now, cancellationToken);
        }

        return null;
    }

    async Task OpenWorkOrderAsync(DeviceRecord device, DevicePayload payload, string alarm, string category, string description, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var workOrderId = DeviceIds.From("work-order", device.DeviceId, payload.MessageId, alarm);
        if (!await alarms.TryOpenAsync(session, device.DeviceId, alarm, workOrderId, now, cancellationToken))
            return;

        var endpoint = await outbox.SendEndpointProvider.GetSendEndpoint(Dispatch);
        await endpoint.Send(new RequestWorkOrder
        {
            WorkOrderId = workOrderId,
            PropertyId = device.PropertyId,
            UnitId = device.UnitId,
            Source = WorkOrderSource.DeviceAlarm,
            Category = category,
            Description = description,
            ServiceArea = device.ServiceArea,
            RequestedBy = $"device:{device.DeviceId}",
            Alarm = alarm,
        }, context => context.MessageId = workOrderId, cancellationToken);
        logger.LogInformation("Device {DeviceId} raised {Alarm}: work order {WorkOrderId} requested", device.DeviceId, alarm, workOrderId);
    }

    Task AnnounceAsync(LockCommand command, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var messageId = DeviceIds.From("ack", command.CommandId);
        object message = (command.Command, command.LeaseId, command.WorkOrderId) switch
        {
            (LockCommand.IssueCode, { } leaseId, _) => new AccessCodeIssued { LeaseId = leaseId, AccessCodeId = command.AccessCodeId, IssuedAt = now },
            (LockCommand.IssueCode, _, { } workOrderId) =>
                new VisitAccessCodeIssued { WorkOrderId = workOrderId, AccessCodeId = command.AccessCodeId, IssuedAt = now },
            _ => new AccessCodeRevoked { LeaseId = command.LeaseId, WorkOrderId = command.WorkOrderId, AccessCodeId = command.AccessCodeId, RevokedAt = now },
        };
        logger.LogInformation("Lock {DeviceId} acknowledged {Command} {CommandId}", command.DeviceId, command.Command, command.CommandId);
        return outbox.PublishEndpoint.Publish(message, message.GetType(), context => context.MessageId = messageId, cancellationToken);
    }

    async Task<PayloadOutcome> QuarantineOutsideAsync(string topic, Guid? deviceId, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        return await QuarantineAsync(topic, deviceId, reason, payload, now, cancellationToken);
    }

    /// <summary>Moves the payload aside in the open transaction, which has written nothing else, and commits.</summary>
    async Task<PayloadOutcome> QuarantineAsync(string topic, Guid? deviceId, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await registry.QuarantineAsync(session, new QuarantinedPayload(NewId.NextGuid(), now, topic.Length > 300 ? topic[..300] : topic, deviceId, reason,
            payload.Length, Convert.ToBase64String(payload.Span[..Math.Min(payload.Length, HeadBytes)])), cancellationToken);
        await session.CommitAsync(cancellationToken);
        metrics.Counted(PayloadOutcome.Quarantined);
        logger.LogInformation("Payload on {Topic} quarantined: {Reason}", topic, reason);
        return PayloadOutcome.Quarantined;
    }
}
