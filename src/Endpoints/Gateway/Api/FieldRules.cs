using System.Globalization;
using System.Text;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// The rules every text field taken at the edge follows, so that what is stored, logged, mailed and sent to the
/// providers is plain text they all accept. A field that breaks one is named in the 400 problem's <c>errors</c>.
/// </summary>
public static class FieldRules
{
    /// <summary>
    /// Checks a single-line text: trimmed, 1 to <paramref name="maxLength"/> characters when <paramref name="required"/>
    /// (or when given), and none of the characters <see cref="Unprintable"/> finds. Adds the first problem to <paramref name="errors"/>.
    /// </summary>
    public static void Text(Dictionary<string, string[]> errors, string field, string? value, int maxLength, string what, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || value is { Length: > 0 })
                errors[field] = [required ? $"{what} is required." : $"{what}, when given, cannot be blank."];
            return;
        }

        if (value.Trim().Length > maxLength)
            errors[field] = [$"{what} is at most {maxLength} characters."];
        else if (Unprintable(value) is { } reason)
            errors[field] = [$"{what} cannot contain {reason}."];
    }

    /// <summary>
    /// What makes a text unsafe to store, log or show on one line, or null: a control character (NUL, CR, LF, tab,
    /// escape), a format character (bidirectional overrides, zero-width characters, a byte order mark), a line or paragraph
    /// separator, a private-use or unassigned code point, or half of a surrogate pair.
    /// </summary>
    public static string? Unprintable(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return "half of a surrogate pair";
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                    return $"control characters (U+{rune.Value:X4})";
                case UnicodeCategory.Format:
                    return $"invisible formatting characters (U+{rune.Value:X4})";
                case UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    return "line breaks";
                case UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                    return $"unassigned or private-use characters (U+{rune.Value:X4})";
            }

            rest = rest[used..];
        }

        return null;
    }

    /// <summary>The longest email address the API takes (RFC 5321's limit on a path).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>
    /// Checks an email address against the plain form every mail server and provider takes: an ASCII dot-atom local part
    /// of at most 64 characters, <c>@</c>, and a domain of at least two letter-digit-hyphen labels with an alphabetic or
    /// punycode top-level label. No quoted local parts, comments, address literals or display names.
    /// </summary>
    public static void Email(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxEmailLength || !IsEmailAddress(value.Trim()))
            errors[field] = ["A valid email address such as name@example.com is required."];
    }

    public static bool IsEmailAddress(string value)
    {
        var at = value.IndexOf('@');
        if (at <= 0 || at != value.LastIndexOf('@') || at > 64 || value.Length > MaxEmailLength)
            return false;
        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal) || !local.All(IsAtomCharacter))
            return false;

        var labels = domain.Split('.');
        if (labels.Length < 2 || !labels.All(IsDomainLabel))
            return false;
        var top = labels[^1];
        return top.Length >= 2 && (top.All(char.IsAsciiLetter) || top.StartsWith("xn--", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An email address as tenants are told apart by it: addresses that differ only in letter case are one.</summary>
    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    static bool IsAtomCharacter(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c);

    static bool IsDomainLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>
    /// Checks an ISO 3166-1 alpha-2 country code, in either letter case, against the codes officially assigned.
    /// </summary>
    public static bool IsCountryCode(string? code) => code is { Length: 2 } && CountryCodes.Contains(code.ToUpperInvariant());

    static readonly HashSet<string> CountryCodes = new(StringComparer.Ordinal)
    {
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
    };

    /// <summary>
    /// Checks an amount of money as the API takes it: present, in a currency the platform charges (<see cref="Money.IsTwoDecimalCurrency"/>,
    /// upper case after normalising), whole cents, above zero (or zero when <paramref name="zeroAllowed"/>), and at most
    /// <see cref="Money.MaxCharge"/>.
    /// </summary>
    public static void Amount(Dictionary<string, string[]> errors, string field, decimal? amount, string what, bool zeroAllowed = false)
    {
        var floor = zeroAllowed ? "zero or a positive amount" : "a positive amount";
        if (amount is not { } value)
            errors[field] = [$"{what} is required."];
        else if (value < 0 || (value == 0 && !zeroAllowed) || value > Money.MaxCharge || !Money.IsWholeCents(value))
            errors[field] = [$"{what} is {floor} of at most {Money.MaxCharge:#,0.00} with at most two decimal places."];
    }

    /// <summary>Checks a currency code: an ISO 4217 code of a currency with cents, such as USD, EUR or GBP; lower case is taken as upper.</summary>
    public static void Currency(Dictionary<string, string[]> errors, string field, string? code)
    {
        if (code is null || !Money.IsTwoDecimalCurrency(code.ToUpperInvariant()))
            errors[field] = ["The currency is an ISO 4217 code of a currency with cents that can be charged, such as USD, EUR or GBP."];
    }
}
