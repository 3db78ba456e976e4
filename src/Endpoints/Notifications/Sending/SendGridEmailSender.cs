using System.Net;
using System.Text.Json;
using Orchestration.Endpoints.Notifications.Templates;
using Polly;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// SendGrid's v3 Mail Send API through its official client, over the <see cref="HttpClientName"/> client whose standard
/// resilience handler retries a 429 or 5xx with backoff, honouring <c>Retry-After</c>. SendGrid takes no idempotency
/// key, so each email carries its deduplication key in <c>custom_args</c> (it comes back on every event webhook) and
/// its stable Message-ID header, and the <c>X-Message-Id</c> SendGrid answers with is kept for tracing. A 5xx or a
/// timeout may hide an email SendGrid did accept; its retry is then a duplicate with the same dedup_key and Message-ID.
/// What is left after the last attempt is an <see cref="EmailProviderUnavailableException"/>; any other 4xx is a
/// permanent <see cref="EmailRejectedException"/> carrying SendGrid's error messages.
/// </summary>
public sealed class SendGridEmailSender(ISendGridClient sendGrid, IOptions<NotificationsOptions> options) : IEmailSender
{
    public const string HttpClientName = "SendGrid";
    public const string DeduplicationKeyArg = "dedup_key";

    public string Name => EmailProviders.SendGrid;

    /// <summary>The official client over the named client, pointed at the configured host with the configured key.</summary>
    public static ISendGridClient Client(HttpClient http, SendGridOptions settings) =>
        new SendGridClient(http, new SendGridClientOptions { Host = settings.BaseUrl, ApiKey = settings.ApiKey });

    public async Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        Response response;
        try
        {
            response = await sendGrid.SendEmailAsync(Message(email), cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new EmailProviderUnavailableException(Name, $"{exception.HttpRequestError}: {exception.Message}");
        }
        catch (ExecutionRejectedException exception)
        {
            // The total timeout ran out, or the circuit breaker is open after repeated failures.
            throw new EmailProviderUnavailableException(Name, exception.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailProviderUnavailableException(Name, "no answer in time");
        }

        if (response.IsSuccessStatusCode)
            return response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;

        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            var retryAfter = response.Headers.RetryAfter is { } header ? $"; it asks to wait {header}" : "";
            throw new EmailProviderUnavailableException(Name, $"{status} {response.StatusCode}{retryAfter}");
        }

        throw new EmailRejectedException(Name, $"{status} {await ErrorsAsync(response, cancellationToken)}");
    }

    /// <summary>
    /// With <c>Notifications:SendGrid:ActivityLookup</c>, SendGrid's Email Activity API searched for a message carrying
    /// this email's dedup_key (<c>GET /v3/messages?query=unique_args['dedup_key']="…"</c>). The feed's <c>msg_id</c> starts
    /// with the <c>X-Message-Id</c> the send was answered with.
    /// </summary>
    public async Task<AcceptedEmail?> FindAcceptedAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        if (!options.Value.SendGrid.ActivityLookup)
            return null;

        var query = $"unique_args['{DeduplicationKeyArg}']=\"{email.DeduplicationKey}\"";
        Response response;
        try
        {
            response = await sendGrid.RequestAsync(BaseClient.Method.GET, urlPath: "messages",
                queryParams: JsonSerializer.Serialize(new { query = Uri.EscapeDataString(query), limit = 1 }), cancellationToken: cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new EmailProviderUnavailableException(Name, $"{exception.HttpRequestError}: {exception.Message}");
        }
        catch (ExecutionRejectedException exception)
        {
            throw new EmailProviderUnavailableException(Name, exception.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmailProviderUnavailableException(Name, "no answer in time");
        }

        if (!response.IsSuccessStatusCode)
        {
            // Not knowing is not a reason to send twice: the recoverability policy asks again later.
            throw new EmailProviderUnavailableException(Name, $"the activity feed answered {(int)response.StatusCode} {response.StatusCode}");
        }

        var activity = JsonSerializer.Deserialize<ActivityResponse>(await response.Body.ReadAsStringAsync(cancellationToken), JsonSerializerOptions.Web);
        return activity?.Messages is [var message, ..] ? new AcceptedEmail(message.MsgId?.Split('.')[0]) : null;
    }

    /// <summary>The request body of <c>POST /v3/mail/send</c>; text/plain goes before text/html, as SendGrid requires.</summary>
    static SendGridMessage Message(OutgoingEmail email)
    {
        var message = new SendGridMessage
        {
            From = Address(email.From),
            Subject = email.Subject,
            PlainTextContent = email.Text,
            HtmlContent = email.Html,
            Headers = new Dictionary<string, string> { ["Message-ID"] = email.MessageId },
            CustomArgs = new Dictionary<string, string>
            {
                [DeduplicationKeyArg] = email.DeduplicationKey,
                ["lease_id"] = email.LeaseId.ToString(),
                ["tenant_email"] = email.Email.ToString(),
            },
            Categories = [email.Email.ToString()],
        };
        message.AddTo(Address(email.To));
        return message;
    }

    /// <summary>
    /// SendGrid reads a recipient name holding <c>,</c> or <c>;</c> as a list of addresses and drops the email, so such
    /// a name is sent quoted.
    /// </summary>
    static EmailAddress Address(System.Net.Mail.MailAddress address) => address.DisplayName switch
    {
        "" => new EmailAddress(address.Address),
        var name when name.AsSpan().IndexOfAny(',', ';') >= 0 =>
            new EmailAddress(address.Address, $"\"{name.Replace("\"", "'", StringComparison.Ordinal)}\""),
        var name => new EmailAddress(address.Address, name),
    };

    /// <summary>SendGrid's <c>{"errors":[{"message","field"}]}</c>, as one line; the raw body when it is not that.</summary>
    static async Task<string> ErrorsAsync(Response response, CancellationToken cancellationToken)
    {
        var text = await response.Body.ReadAsStringAsync(cancellationToken);
        try
        {
            var errors = JsonSerializer.Deserialize<ErrorResponse>(text, JsonSerializerOptions.Web)?.Errors;
            if (errors is { Count: > 0 })
                return string.Join("; ", errors.Select(e => e.Field is { Length: > 0 } field ? $"{field}: {e.Message}" : e.Message));
        }
        catch (JsonException)
        {
        }

        return text.Length > 500 ? text[..500] : text;
    }

    sealed record ErrorResponse(List<Error>? Errors);

    sealed record ActivityResponse(List<ActivityMessage>? Messages);

    sealed record ActivityMessage([property: System.Text.Json.Serialization.JsonPropertyName("msg_id")] string? MsgId);

    sealed record Error(string? Message, string? Field);
}
