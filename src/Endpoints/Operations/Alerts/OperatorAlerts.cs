using Dapper;
using MassTransit;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>What an alert says: an incident opening (lost, failing, above a threshold) or closing (restored, passing again).</summary>
public sealed record Alert(string Kind, string Incident, bool Opens, string Subject, string Text);

/// <summary>
/// Raises alerts inside the caller's transaction, so that an alert is recorded, and its email sent through the outbox,
/// exactly when the state change that caused it commits. One incident sends one alert: an opening alert stays silent
/// while the same incident alerted within the cool-down, and a closing one is sent only when the incident's last alert
/// opened it.
/// </summary>
public sealed class OperatorAlerts(SqlStorage storage, IOptionsMonitor<AlertOptions> options, TimeProvider clock, ILogger<OperatorAlerts> logger)
{
    readonly string _alerts = storage.Table("alerts");

    /// <summary>Returns whether the alert was raised (false: the cool-down or a closed incident kept it silent).</summary>
    public async Task<bool> RaiseAsync(SqlSession session, ISendEndpointProvider sender, Alert alert, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var last = await session.Connection.QueryFirstOrDefaultAsync<LastAlert>(session.Command(
            $"SELECT raised_at AS RaisedAt, opens AS Opens FROM {_alerts} WHERE incident = @Incident ORDER BY raised_at DESC LIMIT 1", new { alert.Incident },
            cancellationToken));
        var silent = alert.Opens
            ? last is not null && last.RaisedAt > (now - options.CurrentValue.CoolDown).ToUnixTimeMilliseconds()
            : last is not { Opens: 1 };
        if (silent)
        {
            logger.LogInformation("Alert {Kind} for {Incident} kept silent: {Reason}", alert.Kind, alert.Incident,
                alert.Opens ? "the incident alerted within the cool-down" : "its opening alert was not sent");
            return false;
        }

        var alertId = NewId.NextGuid();
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_alerts} (alert_id, kind, incident, opens, subject, body, raised_at)
            VALUES (@alertId, @Kind, @Incident, @opens, @Subject, @Text, @now)
            """, new { alertId, alert.Kind, alert.Incident, opens = alert.Opens ? 1 : 0, alert.Subject, alert.Text, now = now.ToUnixTimeMilliseconds() },
            cancellationToken));

        var recipients = options.CurrentValue.EmailRecipients.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (recipients.Count > 0)
        {
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

        logger.LogWarning("Alert {Kind}: {Subject}", alert.Kind, alert.Subject);
        return true;
    }

    sealed class LastAlert
    {
        public long RaisedAt { get; init; }
        public int Opens { get; init; }
    }
}
