using System.Net.Http.Headers;

namespace Orchestration.Simulators.Webhooks;

/// <summary>
/// Delivers a simulator's events the way real providers do: signed, at least once, retried with exponential backoff
/// while the receiver is down or answers non-2xx, and given up only once <see cref="WebhookOptions.GiveUpAfter"/> has
/// passed since the event (Stripe: three days). Tests can ask for
/// duplicate copies (sent concurrently, as a provider's retry racing its first attempt would be) and hold events
/// back to release them later, out of order.
/// </summary>
internal sealed class WebhookDispatcher(
    WebhookChannel channel,
    IHttpClientFactory httpClientFactory,
    BackgroundWork backgroundWork,
    TimeProvider timeProvider,
    ILogger<WebhookDispatcher> logger)
{
    /// <summary>Holding "all" rather than a count.</summary>
    const int HoldEverything = int.MaxValue;

    readonly Lock gate = new();
    readonly List<SentWebhook> sent = [];
    readonly List<SentWebhook> held = [];
    readonly SemaphoreSlim inFlight = new(Math.Max(1, channel.Options.MaxConcurrentDeliveries));
    Uri? endpoint = ParseEndpoint(channel.Options.Url);
    int copies = 1;
    int holdRemaining;

    public Uri? Endpoint
    {
        get { lock (gate) return endpoint; }
        set { lock (gate) endpoint = value; }
    }

    public void Publish(string id, string type, byte[] payload, Uri? target = null)
    {
        var webhook = new SentWebhook(id, type, payload, target, timeProvider.GetUtcNow());
        int count;
        lock (gate)
        {
            sent.Add(webhook);
            if (holdRemaining > 0)
            {
                if (holdRemaining != HoldEverything)
                    holdRemaining--;
                held.Add(webhook);
                webhook.Hold();
                logger.LogInformation("Webhook {EventId} ({EventType}) held", id, type);
                return;
            }

            count = copies;
        }

        Deliver(webhook, count);
    }

    /// <summary>Every following event is delivered <paramref name="count"/> times.</summary>
    public void DeliverCopies(int count)
    {
        lock (gate)
            copies = count;
    }

    /// <summary>Holds the next <paramref name="count"/> events, or every event until <see cref="Release"/> when none.</summary>
    public void Hold(int? count)
    {
        lock (gate)
            holdRemaining = count ?? HoldEverything;
    }

    /// <summary>Stops holding and delivers what was held, oldest first or newest first.</summary>
    public int Release(bool newestFirst)
    {
        SentWebhook[] released;
        int count;
        lock (gate)
        {
            holdRemaining = 0;
            released = newestFirst ? [.. Enumerable.Reverse(held)] : [.. held];
            held.Clear();
            count = copies;
        }

        foreach (var webhook in released)
        {
            webhook.Release();
            Deliver(webhook, count);
        }
        return released.Length;
    }

    /// <summary>Sends an already emitted event again, as a provider's "resend" button does.</summary>
    public bool Redeliver(string id)
    {
        SentWebhook? webhook;
        lock (gate)
            webhook = sent.Find(w => w.Id == id);
        if (webhook is null)
            return false;
        Deliver(webhook, 1);
        return true;
    }

    public IReadOnlyList<SentWebhookView> Sent()
    {
        SentWebhook[] snapshot;
        lock (gate)
            snapshot = [.. sent];
        return [.. snapshot.Select(w => w.ToView())];
    }

    public static Uri? ParseEndpoint(string? url) =>
        string.IsNullOrWhiteSpace(url) ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri
        : throw new ArgumentException($"A webhook URL must be an absolute http(s) URL, not '{url}'.", nameof(url));

    void Deliver(SentWebhook webhook, int count)
    {
        for (var copy = 1; copy <= count; copy++)
        {
            var thisCopy = copy;
            backgroundWork.Run(cancellationToken => DeliverCopyAsync(webhook, thisCopy, cancellationToken));
        }
    }

    async Task DeliverCopyAsync(SentWebhook webhook, int copy, CancellationToken cancellationToken)
    {
        var options = channel.Options;
        for (var attempt = 1; ; attempt++)
        {
            var target = webhook.Target ?? Endpoint;
            if (target is null)
            {
                webhook.Record(new DeliveryAttempt(copy, attempt, timeProvider.GetUtcNow(), null, null, "no webhook endpoint configured"));
                logger.LogInformation("Webhook {EventId} ({EventType}) not sent: no endpoint configured", webhook.Id, webhook.Type);
                return;
            }

            DeliveryAttempt result;
            await inFlight.WaitAsync(cancellationToken);
            try
            {
                result = await SendAsync(webhook, copy, attempt, target, cancellationToken);
            }
            finally
            {
                inFlight.Release();
            }

            webhook.Record(result);
            if (result.Succeeded)
            {
                logger.LogInformation("Webhook {EventId} ({EventType}) delivered to {Endpoint} on attempt {Attempt}: {StatusCode}",
                    webhook.Id, webhook.Type, target, attempt, result.StatusCode);
                return;
            }

            var delay = RetryDelay(attempt);
            if (attempt >= options.MaxAttempts || timeProvider.GetUtcNow() + delay - webhook.CreatedAt > options.GiveUpAfter)
            {
                logger.LogWarning("Webhook {EventId} ({EventType}) given up after {Attempts} attempts to {Endpoint}",
                    webhook.Id, webhook.Type, attempt, target);
                return;
            }

            logger.LogInformation("Webhook {EventId} ({EventType}) attempt {Attempt} to {Endpoint} failed ({Failure}); retrying in {Delay}",
                webhook.Id, webhook.Type, attempt, target, result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.Error, delay);
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
    }

    async Task<DeliveryAttempt> SendAsync(SentWebhook webhook, int copy, int attempt, Uri target, CancellationToken cancellationToken)
    {
        var at = timeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(webhook.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // Signed per attempt, as Stripe does: a retry carries a fresh timestamp, so it passes the receiver's tolerance.
        request.Headers.TryAddWithoutValidation(channel.SignatureHeader, WebhookSignature.Create(channel.Options.Secret, at.ToUnixTimeSeconds(), webhook.Payload));
        if (channel.EventIdHeader is not null)
            request.Headers.TryAddWithoutValidation(channel.EventIdHeader, webhook.Id);
        request.Headers.TryAddWithoutValidation("User-Agent", channel.UserAgent);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(channel.Options.Timeout);
        try
        {
            using var response = await httpClientFactory.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new DeliveryAttempt(copy, attempt, at, target, (int)response.StatusCode, null);
        }
        catch (HttpRequestException exception)
        {
            return new DeliveryAttempt(copy, attempt, at, target, null, exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(copy, attempt, at, target, null, "timed out");
        }
    }

    TimeSpan RetryDelay(int failedAttempts)
    {
        var options = channel.Options;
        var delay = options.FirstRetryDelay * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
