using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// SendGrid's v3 Mail Send API (<c>POST /v3/mail/send</c>, bearer API key). SendGrid takes no idempotency key, so each
/// email carries its deduplication key in <c>custom_args</c> (it comes back on every event webhook) and its stable
/// Message-ID header, and the <c>X-Message-Id</c> SendGrid answers with is kept for tracing. A 429 or 5xx is retried
/// with exponential backoff, honouring <c>Retry-After</c>, up to <see cref="SendGridOptions.MaxAttempts"/> calls; any
/// other 4xx is a permanent <see cref="EmailRejectedException"/> carrying SendGrid's error messages. A 5xx or a timeout
/// may hide an email SendGrid did accept; its retry is then a duplicate with the same dedup_key and Message-ID.
/// </summary>
public sealed class SendGridClient(HttpClient http, IOptions<NotificationsOptions> options, TimeProvider time, ILogger<SendGridClient> logger)
    : IEmailSender
{
    public const string DeduplicationKeyArg = "dedup_key";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => EmailProviders.SendGrid;

    /// <summary>Points the typed client at SendGrid; registered with <c>AddHttpClient</c>.</summary>
    public static void Configure(HttpClient client, SendGridOptions settings)
    {
        client.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
        client.Timeout = settings.Timeout;
    }

    public async Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var settings = options.Value.SendGrid;
        var body = JsonSerializer.SerializeToUtf8Bytes(MailSendRequest.For(email), Json);

        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v3/mail/send") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);

                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;

                var status = (int)response.StatusCode;
                if (response.StatusCode != HttpStatusCode.TooManyRequests && status < 500)
                    throw new EmailRejectedException(Name, $"{status} {await ErrorsAsync(response, cancellationToken)}");

                failure = $"{status} {response.StatusCode}";
                retryAfter = RetryAfter(response);
            }
            catch (HttpRequestException exception)
            {
                failure = $"{exception.HttpRequestError}: {exception.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {settings.Timeout}";
            }

            if (attempt >= settings.MaxAttempts)
                throw new EmailProviderUnavailableException(Name, $"{failure} after {attempt} attempts");

            var delay = retryAfter ?? Backoff(settings, attempt);
            if (delay > settings.MaxDelay)
                throw new EmailProviderUnavailableException(Name, $"{failure}; it asks to wait {delay}, longer than Notifications:SendGrid:MaxDelay");

            logger.LogWarning("SendGrid call {Attempt} of {MaxAttempts} for the {Email} email of lease {LeaseId} failed ({Failure}); trying again in {Delay}",
                attempt, settings.MaxAttempts, email.Email, email.LeaseId, failure, delay);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    static TimeSpan Backoff(SendGridOptions settings, int attempt)
    {
        var exponential = settings.BaseDelay * Math.Pow(2, attempt - 1);
        var jittered = exponential * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return jittered < settings.MaxDelay ? jittered : settings.MaxDelay;
    }

    TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>SendGrid's <c>{"errors":[{"message","field"}]}</c>, as one line; the raw body when it is not that.</summary>
    static async Task<string> ErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var errors = JsonSerializer.Deserialize<ErrorResponse>(text, Json)?.Errors;
            if (errors is { Count: > 0 })
                return string.Join("; ", errors.Select(e => e.Field is { Length: > 0 } field ? $"{field}: {e.Message}" : e.Message));
        }
        catch (JsonException)
        {
        }

        return text.Length > 500 ? text[..500] : text;
    }

    sealed record ErrorResponse(List<Error>? Errors);

    sealed record Error(string? Message, string? Field);

    /// <summary>The documented request body of <c>POST /v3/mail/send</c>.</summary>
    sealed record MailSendRequest(
        IReadOnlyList<Personalization> Personalizations,
        Address From,
        string Subject,
        IReadOnlyList<Content> Content,
        IReadOnlyDictionary<string, string> Headers,
        IReadOnlyDictionary<string, string> CustomArgs,
        IReadOnlyList<string> Categories)
    {
        public static MailSendRequest For(OutgoingEmail email) => new(
            [new Personalization([Address.Of(email.To)])],
            Address.Of(email.From),
            email.Subject,
            // SendGrid requires text/plain before text/html.
            [new Content("text/plain", email.Text), new Content("text/html", email.Html)],
            new Dictionary<string, string> { ["Message-ID"] = email.MessageId },
            new Dictionary<string, string>
            {
                [DeduplicationKeyArg] = email.DeduplicationKey,
                ["lease_id"] = email.LeaseId.ToString(),
                ["tenant_email"] = email.Email.ToString(),
            },
            [email.Email.ToString()]);
    }

    sealed record Personalization(IReadOnlyList<Address> To);

    sealed record Address(string Email, string? Name)
    {
        public static Address Of(System.Net.Mail.MailAddress address) =>
            new(address.Address, string.IsNullOrEmpty(address.DisplayName) ? null : address.DisplayName);
    }

    sealed record Content(string Type, string Value);
}
