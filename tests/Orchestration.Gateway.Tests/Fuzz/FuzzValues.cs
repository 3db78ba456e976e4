using System.Globalization;
using CsCheck;

namespace Orchestration.Gateway.Tests.Fuzz;

/// <summary>
/// The generators every route's fuzzer is made of: JSON values at the edges of what a field takes, mutations of a valid
/// body (a field swapped for such a value, dropped, given twice, an unknown one added, the body truncated or replaced by
/// garbage), and headers a careless or hostile client sends.
/// </summary>
public static class FuzzValues
{
    /// <summary>JSON values, written as raw JSON text, that break a type, a bound, a format or an encoding.</summary>
    public static readonly Gen<string> Value = Gen.Frequency(
        (6, Gen.OneOf(
            "null", "true", "false", "0", "-0.0", "-1", "1", "0.5", "0.001", "1850.005", "1e400", "-1e400", "79228162514264337593543950336",
            "1e-30", "2147483648", "-9223372036854775809", "999999.99", "1000000", "\"\"", "\"   \"", "\"1850\"", "\"abc\"", "\"\\u0000\"",
            "\"\\ud800\"", "\"\\udc00x\"", "\"a\\u202eb\"", "\"\\r\\ninfo: forged\"", "\"x\\u200by\"", "\"\\u001b[31m\"", "\"ＵＳＤ\"", "\"USD\"",
            "\"usd\"", "\"ZZZ\"", "\"XAU\"", "\"JPY\"", "\"1900-01-01\"", "\"9999-12-31\"", "\"2027-02-30\"", "\"0001-01-01\"", "\"10000-01-01\"",
            "\"2027-01-01T00:00:00Z\"", "\"00000000-0000-0000-0000-000000000000\"", "\"a@b\"", "\"<a>@b.c\"", "\"\\\"x\\\"@y.z\"",
            "\"ada@example.com\"", "\"ADMIN@STAFF-API.TEST\"", "[]", "{}", "[1,2]", "[null]", "[\"admin\"]", "[\"\\u0000\"]",
            "{\"amount\":1850,\"currency\":\"USD\"}", "{\"amount\":\"1\",\"currency\":1}", "{\"a\":{\"b\":[]}}")),
        (1, Gen.Int[1, 200].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[200, 80_000].Select(length => $"\"{new string('a', length)}\"")),
        (1, Gen.Guid.Select(id => $"\"{id}\"")),
        (1, Gen.Decimal.Select(d => d.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.String.Select(Quote)));

    /// <summary>Bodies that are not JSON objects at all, or not JSON.</summary>
    public static readonly Gen<string> Garbage = Gen.Frequency(
        (4, Gen.OneOf("", "null", "[]", "\"str\"", "{", "{\"", "}", "{}", "{\"a\":}", "\uFEFF{}", "{\"a\":1,}", "{'a':1}", "\u0000", "%7B%7D", "a=1&b=2")),
        (1, Gen.String),
        (1, Gen.Int[1, 300].Select(depth => new string('{', 1) + string.Concat(Enumerable.Repeat("\"a\":{", depth)) + new string('}', depth + 1))));

    /// <summary>A valid body changed in one of the ways careless or hostile clients change bodies; sometimes left valid.</summary>
    public static Gen<string> Mutated(string sample)
    {
        var fields = Fields(sample);
        if (fields.Count == 0)
            return Gen.Frequency((1, Gen.Const(sample)), (3, Garbage), (1, Value));
        var names = fields.Select(f => f.Name).ToArray();
        return Gen.Frequency(
            (2, Gen.Const(sample)),
            (6, Gen.Select(Gen.OneOf(names), Value, (name, value) => Write(fields.Select(f => f.Name == name ? (f.Name, value) : f)))),
            (2, Gen.OneOf(names).Select(name => Write(fields.Where(f => f.Name != name)))),
            (2, Gen.Select(Gen.OneOf(names), Value, (name, value) => Write(fields.Prepend((name, value))))),
            (1, Gen.Select(Gen.OneOf("extra", "state", "leaseId", "__proto__", "Id", ""), Value, (name, value) => Write(fields.Append((name, value))))),
            (1, Gen.Int[0, Math.Max(0, sample.Length - 1)].Select(cut => sample[..cut])),
            (2, Garbage),
            (1, Value));
    }

    public static readonly Gen<string?> ContentType = Gen.Frequency(
        (8, Gen.Const<string?>("application/json")),
        (3, Gen.OneOf<string?>(null, "", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
            "application/json; charset=latin1", "application/problem+json", "multipart/form-data; boundary=x", "application/json\r\nX: y", "*/*")));

    /// <summary>Headers besides the identity: idempotency keys, bearer tokens, forwarded addresses, CSRF, event ids.</summary>
    public static readonly Gen<(string, string)[]> Headers = Gen.Frequency(
        (4, Gen.Const(Array.Empty<(string, string)>())),
        (3, Gen.OneOf(
            ("Idempotency-Key", "k"), ("Idempotency-Key", ""), ("Idempotency-Key", new string('k', 201)), ("Idempotency-Key", "clé"),
            ("Idempotency-Key", "a b"), ("Authorization", "Bearer garbage"), ("Authorization", "Bearer orc_" + new string('A', 43)),
            ("Authorization", "Basic Zm9vOmJhcg=="), ("Authorization", "Bearer " + new string('x', 8000)), ("Authorization", ""),
            ("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-For", "::1, 127.0.0.1"), ("X-Requested-With", ""), ("X-Event-Id", "evt_fuzz"),
            ("Stripe-Signature", "t=1,v1=00"), ("X-Signature", "garbage"), ("Accept", "text/html"), ("Content-Encoding", "gzip"))
            .Select(h => new[] { h })),
        (1, Gen.Guid.Select(id => new[] { ("Idempotency-Key", id.ToString()) })));

    /// <summary>Query strings for list routes: each known parameter absent, valid, or wrong.</summary>
    public static Gen<string> Query(params string[] parameters) =>
        Gen.OneOf("", "0", "-1", "1", "50", "200", "201", "10000", "10001", "abc", "2147483648", "1e3", "%00", "%E2%80%AE", "active", "Active",
                "APPLICANT", "Submitted", "bogus", "00000000-0000-0000-0000-000000000000", Guid.NewGuid().ToString(), new string('a', 3000))
            .Array[parameters.Length]
            .Select(Gen.Bool.Array[parameters.Length], (values, present) =>
            {
                var pairs = parameters.Select((p, i) => present[i] ? $"{p}={values[i]}" : null).Where(p => p is not null).ToList();
                return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
            });

    /// <summary>A path segment where the route expects an id: a real one, an unknown one, or not an id.</summary>
    public static Gen<string> Id(params Guid[] known) => Gen.Frequency(
        (4, known.Length == 0 ? Gen.Guid.Select(g => g.ToString()) : Gen.OneOf(known.Select(k => k.ToString()).ToArray())),
        (2, Gen.Guid.Select(g => g.ToString())),
        (1, Gen.OneOf("00000000-0000-0000-0000-000000000000", "not-a-guid", "%00", "..", new string('1', 500), "{id}")));

    static string Quote(string text)
    {
        try
        {
            return JsonSerializer.Serialize(text);
        }
        catch (ArgumentException)
        {
            return "\"\\ud800\"";
        }
    }

    static List<(string Name, string Value)> Fields(string sample)
    {
        using var document = JsonDocument.Parse(sample);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? [.. document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText()))]
            : [];
    }

    static string Write(IEnumerable<(string Name, string Value)> fields) =>
        "{" + string.Join(',', fields.Select(f => $"{JsonSerializer.Serialize(f.Name)}:{f.Value}")) + "}";
}
