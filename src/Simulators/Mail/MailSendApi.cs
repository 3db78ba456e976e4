using System.Globalization;
using System.Text.Json;

namespace Orchestration.Simulators.Mail;

/// <summary><c>POST /v3/mail/send</c>, checked in SendGrid's order: key, rate limit, body shape, then acceptance.</summary>
internal static class MailSendApi
{
    public static async Task<IResult> Send(HttpContext http, MailSimulatorOptions options, MailFaults faults, Mailbox mailbox, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        switch (ApiKeyCheck.Check(http.Request, options.ApiKey))
        {
            case ApiKeyResult.Missing:
                return SendGridError.Response(StatusCodes.Status401Unauthorized, new SendGridError("authorization required"));
            case ApiKeyResult.Invalid:
                return SendGridError.Response(StatusCodes.Status401Unauthorized, new SendGridError("The provided authorization grant is invalid, expired, or revoked"));
        }

        if (faults.Take() is { } fault)
            return Refuse(http, fault, options, timeProvider);

        JsonElement mail;
        try
        {
            mail = JsonSerializer.Deserialize<JsonElement>(await JsonBody.ReadAsync(http.Request, http.RequestAborted));
        }
        catch (JsonException)
        {
            return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError("Bad Request"));
        }
        if (mail.ValueKind != JsonValueKind.Object)
            return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError("Bad Request"));

        var errors = MailSendValidator.Validate(mail);
        if (errors.Count > 0)
            return SendGridError.Response(StatusCodes.Status400BadRequest, errors);

        var accepted = AcceptedMail.Read(ResourceId.Random(22), timeProvider.GetUtcNow(), mail);
        mailbox.Add(accepted);
        loggers.CreateLogger(typeof(MailSendApi)).LogInformation("Mail {MessageId} accepted for {RecipientCount} recipients", accepted.MessageId, accepted.Recipients.Count);
        http.Response.Headers["X-Message-Id"] = accepted.MessageId;
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    static RecordedResponse Refuse(HttpContext http, MailFault fault, MailSimulatorOptions options, TimeProvider timeProvider)
    {
        if (fault.RetryAfter is not { } retryAfter)
            return SendGridError.Response(fault.StatusCode, new SendGridError("The server encountered an unexpected error (simulated)."));

        var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
        var headers = http.Response.Headers;
        headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Limit"] = options.RateLimit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = "0";
        headers["X-RateLimit-Reset"] = (timeProvider.GetUtcNow().ToUnixTimeSeconds() + seconds).ToString(CultureInfo.InvariantCulture);
        return SendGridError.Response(StatusCodes.Status429TooManyRequests, new SendGridError("too many requests"));
    }
}
