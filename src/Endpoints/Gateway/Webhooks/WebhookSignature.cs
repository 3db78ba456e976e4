using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Checks <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{raw body}"&gt;</c> in the <c>X-Signature</c> of the
/// providers that have no library of their own (e-signature, screening); Stripe's <c>Stripe-Signature</c> is checked by
/// Stripe.net (<see cref="PaymentEvents.Verify"/>). Several <c>v1</c> entries are allowed (a provider rolling its secret
/// signs with both).
/// </summary>
public static class WebhookSignature
{
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret))
            return SignatureCheck.NotConfigured;
        if (string.IsNullOrWhiteSpace(header))
            return SignatureCheck.Missing;

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (key == "v1" && value.Length == 64 && TryFromHex(value, out var signature))
                signatures.Add(signature);
        }

        if (timestamp is not { } seconds || signatures.Count == 0)
            return SignatureCheck.Missing;

        var prefix = Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);

        var matches = false;
        foreach (var signature in signatures)
            matches |= CryptographicOperations.FixedTimeEquals(expected, signature);
        if (!matches)
            return SignatureCheck.Mismatch;

        // Checked after the HMAC so that an unsigned timestamp never decides anything.
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return age.Duration() > tolerance ? SignatureCheck.OutsideTolerance : SignatureCheck.Valid;
    }

    static bool TryFromHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}

public enum SignatureCheck
{
    Valid,
    NotConfigured,
    Missing,
    Mismatch,
    OutsideTolerance,
}
