using Dapper;
using MassTransit;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>
/// What an alert says: an incident opening (lost, failing, above a threshold) or closing (restored, passing again).
/// <paramref name="Endpoint"/> is the endpoint it concerns, for rules that watch one endpoint only.
/// </summary>
public sealed record Alert(string Kind, string Incident, bool Opens, string Subject, string Text, string? Endpoint = null)
{
    /// <summary>The rule kind that watches alerts of this kind.</summary>
    public string RuleKind => Kind switch
    {
        "heartbeat-lost" or "heartbeat-restored" => "heartbeat",
        "check-failed" or "check-passed" => "check-failed",
        "queue-length-above" or "queue-length-normal" => "queue-length",
        "critical-time-above" or "critical-time-normal" => "critical-time",
        "failures-above" or "failures-normal" => "failures",
        _ => Kind,
    };
}

/// <summary>
/// Raises alerts inside the caller's transaction, so that an alert is recorded, its email sent through the outbox and its
/// webhook deliveries queued exactly when the state change that caused it commits. Every enabled rule watching the alert's
/// kind (and endpoint) raises it to its channels; while admins have made no rule, the default rules do: heartbeats and
/// custom checks, by email to <c>Alerts:EmailRecipients</c> and by webhook to <c>Alerts:Webhook</c>. One incident sends
/// one alert per rule: an opening alert stays silent while the incident is open or alerted within the rule's cool-down,
/// and a closing one is sent only when the incident's last alert opened it.
/// </summary>
public sealed class OperatorAlerts(SqlStorage storage, AlertRuleStore settings, IOptionsMonitor<AlertOptions> options, TimeProvider clock,
    ILogger<OperatorAlerts> logger)
{
    /// <summary>The channel the configured email recipients stand for while admins have made no rule.</summary>
    public static readonly Guid DefaultEmailChannel = new("00000000-0000-0000-0000-00000000e3a1");

    /// <summary>The channel the configured webhook stands for while admins have made no rule.</summary>
    public static readonly Guid DefaultWebhookChannel = new("00000000-0000-0000-0000-0000000000b1");

    readonly string _alerts = storage.Table("alerts");

    /// <summary>Raises the alert by every rule watching it; returns how many raised it (0: none watches, or each kept it silent).</summary>
    public async Task<int> RaiseAsync(SqlSession session, ISendEndpointProvider sender, Alert alert, CancellationToken cancellationToken)
    {
        var raised = 0;
        foreach (var rule in (await RulesAsync(session, cancellationToken)).Where(r => r.Enabled && r.Kind == alert.RuleKind && r.Watches(alert.Endpoint)))
        {
            if (await RaiseAsync(session, sender, rule, alert, cancellationToken))
                raised++;
        }

        return raised;
    }

    /// <summary>The rules in force: the admins' (once they made any), else the defaults from configuration.</summary>
    public async Task<IReadOnlyList<AlertRule>> RulesAsync(SqlSession session, CancellationToken cancellationToken)
    {
        if (await settings.AnyRuleEverAsync(session, cancellationToken))
            return await settings.RulesAsync(session, cancellationToken);

        var current = options.CurrentValue;
        List<Guid> channels = [DefaultEmailChannel];
        if (!string.IsNullOrWhiteSpace(current.Webhook.Url))
            channels.Add(DefaultWebhookChannel);
        var channelIds = System.Text.Json.JsonSerializer.Serialize(channels);
        return [.. new[] { "heartbeat", "check-failed" }.Select(kind => new AlertRule
        {
            Name = $"default {kind}", Kind = kind, CoolDownMs = (long)current.CoolDown.TotalMilliseconds, ChannelIds = channelIds, Enabled = true,
            Default = true,
        })];
    }

    /// <summary>Raises the alert by one rule; false when its cool-down or a closed incident kept it silent.</summary>
    public async Task<bool> RaiseAsync(SqlSession session, ISendEndpointProvider sender, AlertRule rule, Alert alert, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var incident = rule.IncidentKey(alert.Incident);
        var last = await session.Connection.QueryFirstOrDefaultAsync<LastAlert>(session.Command(
            $"SELECT raised_at AS RaisedAt, opens AS Opens FROM {_alerts} WHERE incident = @incident ORDER BY raised_at DESC LIMIT 1", new { incident },
            cancellationToken));
        var silent = alert.Opens
            ? last is not null && (last.Opens == 1 && alert.RuleKind is "queue-length" or "critical-time" or "failures"
                || last.RaisedAt > (now - rule.CoolDown).ToUnixTimeMilliseconds())
            : last is not { Opens: 1 };
        if (silent)
        {
            logger.LogDebug("Alert {Kind} for {Incident} kept silent: {Reason}", alert.Kind, incident,
                alert.Opens ? "the incident is open or alerted within the cool-down" : "its opening alert was not sent");
            return false;
        }

        var alertId = NewId.NextGuid();
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_alerts} (alert_id, kind, incident, opens, subject, body, raised_at)
            VALUES (@alertId, @Kind, @incident, @opens, @Subject, @Text, @now)
            """, new { alertId, alert.Kind, incident, opens = alert.Opens ? 1 : 0, alert.Subject, alert.Text, now = now.ToUnixTimeMilliseconds() },
            cancellationToken));

        foreach (var channel in await ChannelsAsync(session, rule, cancellationToken))
        {
            if (channel.Kind == "email")
            {
                var recipients = channel.RecipientList.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
                if (recipients.Count == 0)
                    continue;
                var notifications = await sender.GetSendEndpoint(new Uri($"queue:{CommandRoutes.Notifications}"));
                await notifications.Send(new SendOperatorAlert
                {
                    AlertId = alertId,
                    Kind = alert.Kind,
                    Recipients = recipients,
                    Subject = alert.Subject,
                    Text = alert.Text,
                    RaisedAt = now,
                }, cancellationToken);
            }
            else
            {
                await settings.QueueDeliveryAsync(session, NewId.NextGuid(), alertId, channel.ChannelId, now.ToUnixTimeMilliseconds(), cancellationToken);
            }
        }

        logger.LogWarning("Alert {Kind} by rule {Rule}: {Subject}", alert.Kind, rule.Name, alert.Subject);
        return true;
    }

    async Task<IReadOnlyList<AlertChannel>> ChannelsAsync(SqlSession session, AlertRule rule, CancellationToken cancellationToken)
    {
        if (!rule.Default)
            return await settings.ChannelsAsync(session, rule.Channels, cancellationToken);
        var current = options.CurrentValue;
        List<AlertChannel> channels =
        [
            new() { ChannelId = DefaultEmailChannel, Kind = "email", Name = "Alerts:EmailRecipients",
                Recipients = System.Text.Json.JsonSerializer.Serialize(current.EmailRecipients) },
        ];
        if (rule.Channels.Contains(DefaultWebhookChannel))
            channels.Add(new AlertChannel { ChannelId = DefaultWebhookChannel, Kind = "webhook", Name = "Alerts:Webhook", Url = current.Webhook.Url });
        return channels;
    }

    sealed class LastAlert
    {
        public long RaisedAt { get; init; }
        public int Opens { get; init; }
    }
}
