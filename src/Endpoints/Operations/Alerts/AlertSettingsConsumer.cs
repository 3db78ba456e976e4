using MassTransit;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>
/// Stores the rules and channels admins save or delete, and publishes each change (never a secret) for the read models.
/// The Gateway validated the command; a repeat changes nothing and publishes nothing.
/// </summary>
public sealed class AlertSettingsConsumer(SqlSession session, AlertRuleStore store, ILogger<AlertSettingsConsumer> logger)
    : IConsumer<SaveAlertRule>, IConsumer<SaveAlertChannel>, IConsumer<DeleteAlertSetting>
{
    public async Task Consume(ConsumeContext<SaveAlertRule> context)
    {
        var rule = context.Message;
        if (await store.SaveRuleAsync(session, rule, context.CancellationToken) is not { } version)
            return;
        await context.Publish(new AlertRuleChanged
        {
            RuleId = rule.RuleId, Version = version, Deleted = false, Name = rule.Name, Kind = rule.Kind, Endpoint = rule.Endpoint,
            Threshold = rule.Threshold, Window = rule.Window, CoolDown = rule.CoolDown, ChannelIds = rule.ChannelIds, Enabled = rule.Enabled,
            ChangedBy = rule.RequestedBy,
        }, context.CancellationToken);
        logger.LogInformation("{RequestedBy} saved alert rule {RuleId} ({Kind})", rule.RequestedBy, rule.RuleId, rule.Kind);
    }

    public async Task Consume(ConsumeContext<SaveAlertChannel> context)
    {
        var channel = context.Message;
        if (await store.SaveChannelAsync(session, channel, context.CancellationToken) is not { } version)
            return;
        var saved = await store.FindChannelAsync(session, channel.ChannelId, context.CancellationToken);
        await context.Publish(new AlertChannelChanged
        {
            ChannelId = channel.ChannelId, Version = version, Deleted = false, Name = channel.Name, Kind = channel.Kind, Recipients = channel.Recipients,
            Url = channel.Url, HasSecret = !string.IsNullOrEmpty(saved?.Secret), ChangedBy = channel.RequestedBy,
        }, context.CancellationToken);
        logger.LogInformation("{RequestedBy} saved alert channel {ChannelId} ({Kind})", channel.RequestedBy, channel.ChannelId, channel.Kind);
    }

    public async Task Consume(ConsumeContext<DeleteAlertSetting> context)
    {
        var delete = context.Message;
        var ct = context.CancellationToken;
        if (delete.Setting == "rule")
        {
            if (await store.DeleteRuleAsync(session, delete.Id, ct) is { } version)
            {
                await context.Publish(new AlertRuleChanged
                {
                    RuleId = delete.Id, Version = version, Deleted = true, Name = "", Kind = "", CoolDown = TimeSpan.Zero, ChannelIds = [], Enabled = false,
                    ChangedBy = delete.RequestedBy,
                }, ct);
            }
        }
        else if (await store.DeleteChannelAsync(session, delete.Id, ct) is { } version)
        {
            await context.Publish(new AlertChannelChanged
            {
                ChannelId = delete.Id, Version = version, Deleted = true, Name = "", Kind = "", Recipients = [], HasSecret = false,
                ChangedBy = delete.RequestedBy,
            }, ct);
        }

        logger.LogInformation("{RequestedBy} deleted alert {Setting} {Id}", delete.RequestedBy, delete.Setting, delete.Id);
    }
}

/// <summary>
/// A failure group Operations has never seen raises a <c>new-failure-group</c> alert; a repeated failure of a known group does
/// not. The alert names the endpoint as staff know it (the name it beats as, and rules watch) by the queue the message failed
/// in; a queue no live instance consumes from leaves the name the failure carries (its host's assembly).
/// </summary>
public sealed class NewFailureGroupConsumer(SqlSession session, AlertRuleStore store, EndpointInstanceStore instances, OperatorAlerts alerts,
    TimeProvider clock) : IConsumer<FailedMessageChanged>
{
    public async Task Consume(ConsumeContext<FailedMessageChanged> context)
    {
        var failed = context.Message;
        if (failed.Status != "Unresolved"
            || !await store.FirstSeenAsync(session, failed.ExceptionGroup, clock.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken))
            return;
        var endpoint = (await instances.LiveQueuesAsync(context.CancellationToken)).GetValueOrDefault(failed.InputQueue) ?? failed.Endpoint;
        await alerts.RaiseAsync(session, context, new Alert("new-failure-group", $"group/{failed.ExceptionGroup}", Opens: true,
            $"New failure group: {failed.ExceptionType} in {endpoint}",
            $"{failed.MessageType} failed in {endpoint} ({failed.InputQueue}, {failed.Endpoint}) with {failed.ExceptionType}: {failed.ExceptionMessage}",
            endpoint), context.CancellationToken);
    }
}
