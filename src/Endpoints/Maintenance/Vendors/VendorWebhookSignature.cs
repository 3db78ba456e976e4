using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// How our calls to a vendor are signed, in the scheme Stripe made common: the header
/// <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{body}" keyed with the vendor's signing secret&gt;</c>.
/// The timestamp is inside the signed text, so a vendor can refuse a replayed call older than its tolerance.
/// </summary>
public static class VendorWebhookSignature
{
    public const string Header = "X-Signature";

    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }
}
