using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>
/// Posts queued alert webhooks. Each delivery is JSON with its event id, signed like Stripe's webhooks:
/// <c>Orchestration-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}" keyed with the channel's secret&gt;</c>,
/// and carries the event id as <c>Idempotency-Key</c> too, so a receiver that saw it already (a retry after a lost answer)
/// drops it. A failed attempt is retried after a pause that doubles each time (<see cref="AlertOptions.WebhookBackoff"/>, at
/// most 10 minutes) until <see cref="AlertOptions.WebhookMaxAttempts"/>. A delivery is marked sent only after a 2xx.
/// </summary>
public sealed class AlertWebhookDelivery(SqlStorage storage, IHttpClientFactory http, IOptionsMonitor<AlertOptions> options, TimeProvider clock,
    ILogger<AlertWebhookDelivery> logger) : BackgroundService
{
    public const string Client = "alert-webhooks";
    static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    readonly string _deliveries = storage.Table("alert_deliveries");
    readonly string _channels = storage.Table("alert_channels");
    readonly string _alerts = storage.Table("alerts");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not deliver the alert webhooks");
            }

            await Task.Delay(options.CurrentValue.DeliverEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Attempts each due delivery once; returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var now = clock.GetUtcNow();
        List<Due> due;
        await using (var connection = await storage.OpenConnectionAsync(cancellationToken))
        {
            due = (await connection.QueryAsync<Due>(new CommandDefinition($"""
                SELECT d.event_id AS EventId, d.channel_id AS ChannelId, d.attempts AS Attempts, a.alert_id AS AlertId, a.kind AS Kind,
                       a.opens AS Opens, a.subject AS Subject, a.body AS Text, a.raised_at AS RaisedAt, c.url AS Url, c.secret AS Secret
                FROM {_deliveries} d JOIN {_alerts} a ON a.alert_id = d.alert_id LEFT JOIN {_channels} c ON c.channel_id = d.channel_id AND c.deleted = 0
                WHERE d.delivered_at IS NULL AND d.next_attempt_at <= @now AND d.attempts < @maxAttempts
                ORDER BY d.next_attempt_at LIMIT 50
                """, new { now = now.ToUnixTimeMilliseconds(), maxAttempts = current.WebhookMaxAttempts }, cancellationToken: cancellationToken))).AsList();
        }

        foreach (var delivery in due)
        {
            var (url, secret) = delivery.ChannelId == OperatorAlerts.DefaultWebhookChannel
                ? (current.Webhook.Url, current.Webhook.Secret)
                : (delivery.Url, delivery.Secret);
            string? error;
            try
            {
                error = url is null || string.IsNullOrEmpty(secret) ? "the channel has no URL or secret" : await PostAsync(delivery, url, secret, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = exception.Message;
            }

            await RecordAsync(delivery, error, current, cancellationToken);
        }

        return due.Count;
    }

    async Task<string?> PostAsync(Due delivery, string url, string secret, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId = delivery.EventId,
            alertId = delivery.AlertId,
            kind = delivery.Kind,
            opens = delivery.Opens == 1,
            subject = delivery.Subject,
            text = delivery.Text,
            raisedAt = DateTimeOffset.FromUnixTimeMilliseconds(delivery.RaisedAt),
        }, JsonSerializerOptions.Web);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("Orchestration-Signature", Sign(secret, timestamp, body));
        request.Headers.Add("Orchestration-Event-Id", delivery.EventId.ToString());
        request.Headers.Add("Idempotency-Key", delivery.EventId.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await http.CreateClient(Client).SendAsync(request, timeout.Token);
        return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }

    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}"&gt;</c>.</summary>
    public static string Sign(string secret, long timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".").Concat(body).ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed))}");
    }

    async Task RecordAsync(Due delivery, string? error, AlertOptions current, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, current.WebhookBackoff.TotalMilliseconds * Math.Pow(2, attempts - 1)));
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(error is null
            ? $"UPDATE {_deliveries} SET attempts = @attempts, delivered_at = @now, last_error = NULL WHERE event_id = @EventId"
            : $"UPDATE {_deliveries} SET attempts = @attempts, next_attempt_at = @next, last_error = @error WHERE event_id = @EventId",
            new { attempts, now = now.ToUnixTimeMilliseconds(), next = (now + backoff).ToUnixTimeMilliseconds(), error, delivery.EventId },
            cancellationToken: cancellationToken));
        if (error is not null)
        {
            logger.LogWarning("Alert webhook {EventId} attempt {Attempt} failed: {Error}{Next}", delivery.EventId, attempts, error,
                attempts >= current.WebhookMaxAttempts ? "; given up" : $"; next in {backoff.TotalSeconds:0.#} s");
        }
    }

    sealed class Due
    {
        public Guid EventId { get; init; }
        public Guid ChannelId { get; init; }
        public int Attempts { get; init; }
        public Guid AlertId { get; init; }
        public string Kind { get; init; } = "";
        public int Opens { get; init; }
        public string Subject { get; init; } = "";
        public string Text { get; init; } = "";
        public long RaisedAt { get; init; }
        public string? Url { get; init; }
        public string? Secret { get; init; }
    }
}
