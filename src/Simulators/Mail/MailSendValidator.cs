using System.Globalization;
using System.Text.Json;

namespace Orchestration.Simulators.Mail;

/// <summary>
/// The request checks SendGrid documents for v3 Mail Send ("Errors" in its API reference), with its field paths
/// (<c>personalizations.0.to.1.email</c>), so a client that passes here is not refused by SendGrid for its shape.
/// All errors are reported at once, as SendGrid does.
/// </summary>
internal static class MailSendValidator
{
    const string HelpRoot = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.";
    const int MaxPersonalizations = 1000;
    const int MaxRecipients = 1000;
    const int MaxCustomArgsBytes = 10_000;
    const int MaxCategories = 10;
    const int MaxCategoryLength = 255;

    /// <summary>Headers SendGrid sets itself and refuses to take from a request.</summary>
    static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "Content-Type", "Content-Transfer-Encoding",
        "To", "From", "Subject", "Reply-To", "CC", "BCC",
    };
    public static readonly IReadOnlyList<string> RecipientKinds = ["to", "cc", "bcc"];

    public static IReadOnlyList<SendGridError> Validate(JsonElement mail)
    {
        var errors = new List<SendGridError>();
        var everyPersonalizationHasSubject = ValidatePersonalizations(mail, errors);
        ValidateFrom(mail, errors);
        ValidateReplyTo(mail, errors);

        // A template brings its own subject and content.
        var hasTemplate = NonEmptyString(mail, "template_id");
        if (!hasTemplate && !everyPersonalizationHasSubject && !NonEmptyString(mail, "subject"))
        {
            errors.Add(new("The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
                "subject", HelpRoot + "subject"));
        }
        if (!hasTemplate)
            ValidateContent(mail, errors);
        ValidateHeaders(mail, "headers", errors);
        ValidateCustomArgs(mail, "custom_args", errors);
        ValidateCategories(mail, errors);
        return errors;
    }

    /// <returns>Whether every personalization carries its own subject.</returns>
    static bool ValidatePersonalizations(JsonElement mail, List<SendGridError> errors)
    {
        if (!mail.TryGetProperty("personalizations", out var personalizations) || personalizations.ValueKind != JsonValueKind.Array || personalizations.GetArrayLength() == 0)
        {
            errors.Add(new("The personalizations field is required and must have at least one personalization.", "personalizations", HelpRoot + "personalizations"));
            return false;
        }

        var count = personalizations.GetArrayLength();
        if (count > MaxPersonalizations)
        {
            errors.Add(new(Invariant($"The personalization block is limited to {MaxPersonalizations} personalizations per API request. You have provided {count} personalizations. Please consider splitting this into multiple requests and resending your request."),
                "personalizations", HelpRoot + "personalizations"));
            return false;
        }

        var everyHasSubject = true;
        var recipients = 0;
        var index = 0;
        foreach (var personalization in personalizations.EnumerateArray())
        {
            var path = Invariant($"personalizations.{index++}");
            if (personalization.ValueKind != JsonValueKind.Object
                || !personalization.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.Array || to.GetArrayLength() == 0)
            {
                errors.Add(new("The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
                    path + ".to", HelpRoot + "personalizations.to"));
                everyHasSubject = false;
                continue;
            }

            recipients += ValidateRecipients(personalization, path, errors);
            everyHasSubject &= NonEmptyString(personalization, "subject");
            ValidateHeaders(personalization, path + ".headers", errors);
            ValidateCustomArgs(personalization, path + ".custom_args", errors);
        }

        if (recipients > MaxRecipients)
            errors.Add(new(Invariant($"There is a limit of {MaxRecipients} total recipients (to + cc + bcc) per request."), "personalizations", HelpRoot + "personalizations"));
        return everyHasSubject;
    }

    /// <returns>How many recipients the personalization names.</returns>
    static int ValidateRecipients(JsonElement personalization, string path, List<SendGridError> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var duplicateReported = false;
        var count = 0;
        foreach (var kind in RecipientKinds)
        {
            if (!personalization.TryGetProperty(kind, out var list))
                continue;
            if (list.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new(Invariant($"The {kind} field must be an array of email objects."), $"{path}.{kind}", HelpRoot + "personalizations." + kind));
                continue;
            }

            var index = 0;
            foreach (var recipient in list.EnumerateArray())
            {
                var field = Invariant($"{path}.{kind}.{index++}.email");
                count++;
                var email = recipient.ValueKind == JsonValueKind.Object && recipient.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (!EmailAddresses.IsValid(email))
                {
                    errors.Add(new("Does not contain a valid address.", field, HelpRoot + "personalizations." + kind));
                }
                else if (!seen.Add(email!) && !duplicateReported)
                {
                    duplicateReported = true;
                    errors.Add(new($"Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [{email}] in the {path}.{kind} field.",
                        path, HelpRoot + "personalizations"));
                }
            }
        }
        return count;
    }

    static void ValidateFrom(JsonElement mail, List<SendGridError> errors)
    {
        if (!mail.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.Object || !from.TryGetProperty("email", out var email) || email.ValueKind != JsonValueKind.String)
        {
            errors.Add(new("The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {\"email\" : \"example@example.com\"}  or {\"email\" : \"example@example.com\", \"name\" : \"Example Recipient\"}.",
                "from.email", HelpRoot + "from"));
        }
        else if (!EmailAddresses.IsValid(email.GetString()))
        {
            errors.Add(new("The from email does not contain a valid address.", "from.email", HelpRoot + "from"));
        }
    }

    static void ValidateReplyTo(JsonElement mail, List<SendGridError> errors)
    {
        if (mail.TryGetProperty("reply_to", out var replyTo) && replyTo.ValueKind != JsonValueKind.Null
            && !(replyTo.ValueKind == JsonValueKind.Object && replyTo.TryGetProperty("email", out var email) && EmailAddresses.IsValid(email.ValueKind == JsonValueKind.String ? email.GetString() : null)))
        {
            errors.Add(new("The reply_to email does not contain a valid address.", "reply_to.email", HelpRoot + "reply_to"));
        }
    }

    static void ValidateContent(JsonElement mail, List<SendGridError> errors)
    {
        if (!mail.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            errors.Add(new("Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.",
                "content", HelpRoot + "content"));
            return;
        }

        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var path = Invariant($"content.{index}");
            var isObject = block.ValueKind == JsonValueKind.Object;
            if (!isObject || !NonEmptyString(block, "type"))
                errors.Add(new("The content type must be a string at least one character in length.", path + ".type", HelpRoot + "content.type"));
            else if (index > 0 && block.GetProperty("type").GetString() == "text/plain")
                errors.Add(new("If present, text/plain must be first, followed by text/html, followed by any other content.", path + ".type", HelpRoot + "content.type"));
            if (!isObject || !NonEmptyString(block, "value"))
                errors.Add(new("The content value must be a string at least one character in length.", path + ".value", HelpRoot + "content.value"));
            index++;
        }
    }

    /// <summary>An object of string values, none of them a header SendGrid keeps for itself.</summary>
    static void ValidateHeaders(JsonElement owner, string path, List<SendGridError> errors)
    {
        if (!StringMap(owner, "headers", path, errors, out var headers))
            return;
        foreach (var header in headers.EnumerateObject().Where(h => ReservedHeaders.Contains(h.Name)))
        {
            errors.Add(new(Invariant($"The header {header.Name} is reserved and cannot be set: SendGrid sets it itself."),
                path, HelpRoot + "headers"));
        }
    }

    /// <summary>An object of string values, smaller than SendGrid's limit once serialized.</summary>
    static void ValidateCustomArgs(JsonElement owner, string path, List<SendGridError> errors)
    {
        if (StringMap(owner, "custom_args", path, errors, out var args)
            && System.Text.Encoding.UTF8.GetByteCount(args.GetRawText()) >= MaxCustomArgsBytes)
        {
            errors.Add(new(Invariant($"The custom_args field must be smaller than {MaxCustomArgsBytes} bytes."), path, HelpRoot + "custom_args"));
        }
    }

    /// <returns>Whether the property is present and an object whose every value is a string; absent adds no error.</returns>
    static bool StringMap(JsonElement owner, string property, string path, List<SendGridError> errors, out JsonElement map)
    {
        if (!owner.TryGetProperty(property, out map) || map.ValueKind == JsonValueKind.Null)
            return false;
        if (map.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(Invariant($"Invalid type. Expected: object, given: {TypeName(map)}."), path, HelpRoot + property));
            return false;
        }

        var valid = true;
        foreach (var entry in map.EnumerateObject().Where(e => e.Value.ValueKind != JsonValueKind.String))
        {
            errors.Add(new(Invariant($"Invalid type. Expected: string, given: {TypeName(entry.Value)}."), $"{path}.{entry.Name}", HelpRoot + property));
            valid = false;
        }
        return valid;
    }

    static void ValidateCategories(JsonElement mail, List<SendGridError> errors)
    {
        if (!mail.TryGetProperty("categories", out var categories) || categories.ValueKind == JsonValueKind.Null)
            return;
        if (categories.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(Invariant($"Invalid type. Expected: array, given: {TypeName(categories)}."), "categories", HelpRoot + "categories"));
            return;
        }
        if (categories.GetArrayLength() > MaxCategories)
            errors.Add(new(Invariant($"You may not have more than {MaxCategories} categories per request."), "categories", HelpRoot + "categories"));

        var index = 0;
        foreach (var category in categories.EnumerateArray())
        {
            var path = Invariant($"categories.{index++}");
            if (category.ValueKind != JsonValueKind.String)
                errors.Add(new(Invariant($"Invalid type. Expected: string, given: {TypeName(category)}."), path, HelpRoot + "categories"));
            else if (category.GetString()!.Length > MaxCategoryLength)
                errors.Add(new(Invariant($"A category cannot have more than {MaxCategoryLength} characters."), path, HelpRoot + "categories"));
        }
    }

    static string TypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString().ToLowerInvariant(),
    };

    static bool NonEmptyString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 };

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
