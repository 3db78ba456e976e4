using System.Text.Json;

namespace Orchestration.Simulators.Mail;

/// <summary>
/// A send SendGrid accepted: the request as sent, and what tests usually look for in it. <see cref="DropReason"/> is
/// set when SendGrid would accept the request and then drop the email, as it does when a recipient's name holds an
/// unquoted <c>,</c> or <c>;</c> (it reads the name as more addresses): <c>Invalid</c>, as its activity feed says.
/// </summary>
internal sealed record AcceptedMail(
    string MessageId, DateTimeOffset ReceivedAt, string From, string? Subject, IReadOnlyList<string> Recipients, string? DropReason,
    JsonElement Request)
{
    /// <param name="request">A request <see cref="MailSendValidator"/> accepted, so its shape is known.</param>
    public static AcceptedMail Read(string messageId, DateTimeOffset receivedAt, JsonElement request)
    {
        var personalizations = request.GetProperty("personalizations").EnumerateArray().ToArray();
        var addresses = personalizations
            .SelectMany(p => MailSendValidator.RecipientKinds.SelectMany(kind =>
                p.TryGetProperty(kind, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : []))
            .ToArray();
        var recipients = addresses.Select(r => r.GetProperty("email").GetString()!).ToArray();
        var dropReason = addresses.Any(r => r.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && ReadAsSeveralAddresses(name.GetString()!)) ? "Invalid" : null;
        var subject = request.TryGetProperty("subject", out var shared) && shared.ValueKind == JsonValueKind.String
            ? shared.GetString()
            : personalizations.Select(p => p.TryGetProperty("subject", out var own) ? own.GetString() : null).FirstOrDefault(s => s is not null);
        var from = request.GetProperty("from").GetProperty("email").GetString()!;
        return new AcceptedMail(messageId, receivedAt, from, subject, recipients, dropReason, request.Clone());
    }

    static bool ReadAsSeveralAddresses(string name) =>
        name.AsSpan().IndexOfAny(',', ';') >= 0 && !(name.Length > 1 && name[0] == '"' && name[^1] == '"');
}

/// <summary>
/// Every accepted send, including repeats of the same message: telling duplicates apart (custom_args, say) is the
/// sender's business, and tests need to see them to check it.
/// </summary>
internal sealed class Mailbox
{
    readonly Lock gate = new();
    readonly List<AcceptedMail> messages = [];

    public void Add(AcceptedMail mail)
    {
        lock (gate)
            messages.Add(mail);
    }

    public IReadOnlyList<AcceptedMail> Messages(string? recipient)
    {
        lock (gate)
        {
            return [.. messages.Where(m => recipient is null || m.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))];
        }
    }

    public void Clear()
    {
        lock (gate)
            messages.Clear();
    }
}
