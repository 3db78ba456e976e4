using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Orchestration.Simulators.Payments;

/// <summary>
/// Stripe's form-encoded parameters (<c>amount=2000&amp;metadata[lease_id]=...</c>), read the way Stripe reads them:
/// unknown parameters and malformed values are refused with Stripe's error, the first one found.
/// </summary>
internal sealed class StripeForm
{
    readonly Dictionary<string, string> values;

    StripeForm(Dictionary<string, string> values) => this.values = values;

    public StripeError? FirstError { get; private set; }

    public IEnumerable<KeyValuePair<string, string>> Parameters => values;

    public static async Task<StripeForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var (name, value) in await request.ReadFormAsync(cancellationToken))
                values[name] = LastValue(value);
        }
        return new StripeForm(values);
    }

    /// <summary>Refuses any parameter not in <paramref name="known"/> (names, or prefixes ending in <c>[</c>).</summary>
    public void AllowOnly(params string[] known)
    {
        var unknown = values.Keys.FirstOrDefault(name => !known.Any(k => k.EndsWith('[') ? name.StartsWith(k, StringComparison.Ordinal) : name == k));
        if (unknown is not null)
            Fail(StripeError.InvalidRequest($"Received unknown parameter: {unknown}", "parameter_unknown", unknown));
    }

    public string? String(string name, bool required = false)
    {
        if (values.TryGetValue(name, out var value) && value.Length > 0)
            return value;
        if (required)
            Fail(StripeError.Missing(name));
        return null;
    }

    /// <summary>An amount in the currency's smallest unit: a positive integer.</summary>
    public long? Amount(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
            return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            Fail(StripeError.InvalidRequest($"Invalid positive integer: {text}", "parameter_invalid_integer", name));
            return null;
        }
        return amount;
    }

    public bool Boolean(string name)
    {
        var text = String(name);
        switch (text)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                Fail(StripeError.InvalidRequest($"Invalid boolean: {text}", "parameter_invalid_boolean", name));
                return false;
        }
    }

    /// <summary>A lower-case ISO 4217 code, as Stripe returns it.</summary>
    public string? Currency(string name)
    {
        var text = String(name, required: true);
        if (text is null)
            return null;
        if (text.Length != 3 || !text.All(char.IsAsciiLetter))
        {
            Fail(StripeError.InvalidRequest($"Invalid currency: {text}. Stripe currencies are three-letter ISO codes.", param: name));
            return null;
        }
        return text.ToLowerInvariant();
    }

    /// <summary>Stripe's test payment methods are the only ones that exist here, and all of them look like <c>pm_...</c>.</summary>
    public string? PaymentMethod(string name)
    {
        var text = String(name);
        if (text is null || text.StartsWith("pm_", StringComparison.Ordinal))
            return text;
        Fail(StripeError.NoSuch("PaymentMethod", text, name));
        return null;
    }

    /// <summary><c>metadata[key]=value</c> pairs.</summary>
    public Dictionary<string, string> Metadata()
    {
        const string prefix = "metadata[";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(']'))
                metadata[name[prefix.Length..^1]] = value;
        }
        return metadata;
    }

    void Fail(StripeError error) => FirstError ??= error;

    static string LastValue(StringValues value) => value.Count == 0 ? "" : value[^1] ?? "";
}
