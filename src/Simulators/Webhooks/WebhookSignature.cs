using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Simulators.Webhooks;

/// <summary>
/// The signature scheme Stripe uses and the other simulated providers copy: <c>t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256 of "{t}.{payload}" keyed with the secret&gt;</c>. The timestamp inside the signed text lets receivers
/// refuse replays older than their tolerance.
/// </summary>
public static class WebhookSignature
{
    public static string Create(string secret, long timestamp, ReadOnlySpan<byte> payload)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(signed, 0);
        payload.CopyTo(signed.AsSpan(prefix.Length));
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(hash)}");
    }
}
