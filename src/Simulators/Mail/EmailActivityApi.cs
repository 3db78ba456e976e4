using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestration.Simulators.Mail;

/// <summary>
/// <c>GET /v3/messages</c>, SendGrid's Email Activity API, for the queries a sender uses to learn whether it sent an email:
/// <c>unique_args['name']="value"</c> (a custom arg of the send), <c>to_email="…"</c> and <c>subject="…"</c>, joined by
/// <c>AND</c>; <c>limit</c> 1–1000 (default 10). Newest first, as SendGrid lists them. Unlike SendGrid's feed, which
/// shows a send after some seconds, this one shows it at once.
/// </summary>
internal static partial class EmailActivityApi
{
    [GeneratedRegex("""^\s*(?:unique_args\['(?<arg>[^']+)'\]|(?<field>to_email|subject))\s*=\s*"(?<value>[^"]*)"\s*$""")]
    private static partial Regex Condition();

    public static IResult Search(HttpContext http, MailSimulatorOptions options, Mailbox mailbox, string? query, int? limit)
    {
        switch (ApiKeyCheck.Check(http.Request, options.ApiKey))
        {
            case ApiKeyResult.Missing:
                return SendGridError.Response(StatusCodes.Status401Unauthorized, new SendGridError("authorization required"));
            case ApiKeyResult.Invalid:
                return SendGridError.Response(StatusCodes.Status401Unauthorized, new SendGridError("The provided authorization grant is invalid, expired, or revoked"));
        }

        if (limit is < 1 or > 1000)
            return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError("limit must be between 1 and 1000", "limit"));

        var conditions = new List<Func<AcceptedMail, bool>>();
        foreach (var part in Regex.Split(query ?? "", @"\s+AND\s+", RegexOptions.IgnoreCase).Where(p => p.Trim().Length > 0))
        {
            var match = Condition().Match(part);
            if (!match.Success)
                return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError($"invalid query: {part.Trim()}", "query"));
            var value = match.Groups["value"].Value;
            conditions.Add(match.Groups["arg"].Success
                ? mail => CustomArg(mail, match.Groups["arg"].Value) == value
                : match.Groups["field"].Value == "subject"
                    ? mail => mail.Subject == value
                    : mail => mail.Recipients.Contains(value, StringComparer.OrdinalIgnoreCase));
        }

        var found = mailbox.Messages(null).Where(mail => conditions.All(condition => condition(mail)))
            .Reverse().Take(limit ?? 10)
            .Select(mail => new
            {
                from_email = mail.From,
                msg_id = $"{mail.MessageId}.filterdrecv-sim.0",
                subject = mail.Subject,
                to_email = mail.Recipients.FirstOrDefault(),
                status = mail.DropReason is null ? "delivered" : "not_delivered",
                opens_count = 0,
                clicks_count = 0,
                last_event_time = mail.ReceivedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            });
        return Results.Json(new { messages = found });
    }

    static string? CustomArg(AcceptedMail mail, string name) =>
        mail.Request.TryGetProperty("custom_args", out var args) && args.ValueKind == JsonValueKind.Object
        && args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
