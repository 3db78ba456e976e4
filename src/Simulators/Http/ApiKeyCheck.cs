using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Simulators.Http;

internal enum ApiKeyResult
{
    Valid,
    Missing,
    Invalid,
}

/// <summary>Checks the caller's API key in <c>Authorization</c>, the way the third parties authenticate us.</summary>
internal static class ApiKeyCheck
{
    /// <param name="allowBasic">Stripe also takes the key as the Basic user name (<c>curl -u sk_test_...:</c>).</param>
    public static ApiKeyResult Check(HttpRequest request, string expectedKey, bool allowBasic = false)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return ApiKeyResult.Missing;

        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : allowBasic && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? BasicUser(header["Basic ".Length..].Trim()) : null;
        if (string.IsNullOrEmpty(presented))
            return ApiKeyResult.Missing;

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expectedKey))
            ? ApiKeyResult.Valid
            : ApiKeyResult.Invalid;
    }

    static string? BasicUser(string encoded)
    {
        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? credentials : credentials[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
