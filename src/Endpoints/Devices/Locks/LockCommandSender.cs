using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.AccessCodes;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices.Locks;

/// <summary>
/// Sends access-code commands to a unit's lock on its <c>…/commands</c> topic and keeps each in <c>lock_commands</c>
/// until the lock acknowledges it. The command id derives from what asked for it, so a redelivered request sends
/// nothing new; the lock treats a command id it has seen as done. A command carries the code itself (the lock needs
/// it); only its hash is stored. JSON: <c>{"commandId","command":"issue-code"|"revoke-code","accessCodeId","code",
/// "validFrom","validUntil"}</c>. A new command goes out only once its row has committed: a lock answers within
/// milliseconds, and an acknowledgement that came before the row would be moved aside as one for a command never sent.
/// </summary>
public sealed class LockCommandSender
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly DeviceRegistry registry;
    readonly LockCommands commands;
    readonly MqttIngestion mqtt;
    readonly IOptions<DevicesMqttOptions> options;
    readonly TimeProvider time;
    readonly ILogger<LockCommandSender> logger;

    // By command id, so a transaction retried in the same scope sends its command once, as the retry stored it.
    readonly Dictionary<Guid, (DeviceRecord Device, LockCommand Command, string? Code)> _afterCommit = [];

    public LockCommandSender(SqlSession session, DeviceRegistry registry, LockCommands commands, MqttIngestion mqtt, IOptions<DevicesMqttOptions> options,
        TimeProvider time, ILogger<LockCommandSender> logger)
    {
        (this.registry, this.commands, this.mqtt, this.options, this.time, this.logger) = (registry, commands, mqtt, options, time, logger);
        session.Committed += SendCommitted;
    }

    /// <summary>The unit's lock, or null when it has none (or MQTT is off): then a code takes effect without one.</summary>
    public async Task<DeviceRecord?> LockOfAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        options.Value.Enabled ? await registry.FindOnUnitAsync(session, unitId, DeviceKind.Lock, cancellationToken) : null;

    public Task<LockCommand?> FindAsync(SqlSession session, Guid commandId, CancellationToken cancellationToken) =>
        commands.FindAsync(session, commandId, cancellationToken);

    /// <summary>Sends a new code to the lock unless this command was sent already; the code's hash is returned when it was sent.</summary>
    public async Task<string?> IssueAsync(SqlSession session, DeviceRecord device, Guid commandId, Guid? leaseId, Guid? workOrderId, Guid accessCodeId,
        string validFrom, string validUntil, CancellationToken cancellationToken)
    {
        var code = AccessCode.NewCode();
        var hash = AccessCode.Hash(code);
        var command = NewCommand(device, commandId, LockCommand.IssueCode, leaseId, workOrderId, accessCodeId, validFrom, validUntil, hash);
        if (!await commands.TryAddAsync(session, command, cancellationToken))
            return null;
        _afterCommit[command.CommandId] = (device, command, code);
        return hash;
    }

    /// <summary>Tells the lock to drop a code unless this command was sent already.</summary>
    public async Task<bool> RevokeAsync(SqlSession session, DeviceRecord device, Guid commandId, Guid? leaseId, Guid? workOrderId, Guid accessCodeId,
        CancellationToken cancellationToken)
    {
        var command = NewCommand(device, commandId, LockCommand.RevokeCode, leaseId, workOrderId, accessCodeId, null, null, null);
        if (!await commands.TryAddAsync(session, command, cancellationToken))
            return false;
        _afterCommit[command.CommandId] = (device, command, null);
        return true;
    }

    /// <summary>Sends the command again (an issue with a fresh code, whose hash is returned).</summary>
    public async Task<string?> ResendAsync(DeviceRecord device, LockCommand command, CancellationToken cancellationToken)
    {
        var code = command.Command == LockCommand.IssueCode ? AccessCode.NewCode() : null;
        await PublishAsync(device, command, code, cancellationToken);
        return code is null ? null : AccessCode.Hash(code);
    }

    /// <summary>
    /// Sends the commands of the transaction that just committed. A send that fails is not lost: the command is stored
    /// unacknowledged, so <see cref="LockCommandRetries"/> sends it again when its wait is over.
    /// </summary>
    void SendCommitted()
    {
        foreach (var (device, command, code) in _afterCommit.Values)
            _ = PublishAsync(device, command, code, CancellationToken.None).ContinueWith(
                failed => logger.LogWarning(failed.Exception, "Lock command {CommandId} to {DeviceId} not sent; it is retried", command.CommandId,
                    device.DeviceId),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        _afterCommit.Clear();
    }

    LockCommand NewCommand(DeviceRecord device, Guid commandId, string kind, Guid? leaseId, Guid? workOrderId, Guid accessCodeId, string? validFrom,
        string? validUntil, string? codeHash) =>
        new(commandId, device.DeviceId, kind, leaseId, workOrderId, accessCodeId, validFrom, validUntil, codeHash, 1,
            time.GetUtcNow() + options.Value.CommandAckTimeout, null, null);

    Task PublishAsync(DeviceRecord device, LockCommand command, string? code, CancellationToken cancellationToken) =>
        mqtt.PublishAsync(DeviceTopics.Commands(device.PropertyId, device.UnitId, device.DeviceId), JsonSerializer.SerializeToUtf8Bytes(new
        {
            command.CommandId, command = command.Command, command.AccessCodeId, code, command.ValidFrom, command.ValidUntil,
        }, Json), cancellationToken);
}
