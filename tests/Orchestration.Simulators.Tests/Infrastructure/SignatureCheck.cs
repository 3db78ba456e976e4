using System.Globalization;
using System.Security.Cryptography;

namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>
/// Checks a <c>t=...,v1=...</c> signature the way a receiver does, written here from the scheme's description rather
/// than with the simulators' own code, so that a mistake there is not repeated here.
/// </summary>
internal static class SignatureCheck
{
    public static bool IsValid(string header, string payload, string secret, TimeSpan tolerance)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var timestamp = parts.Where(p => p[0] == "t").Select(p => long.Parse(p[1], CultureInfo.InvariantCulture)).Single();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        var signed = parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(Convert.FromHexString(p[1]), expected));
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return signed && age.Duration() <= tolerance;
    }

    public static bool IsValid(string header, string payload, string secret) => IsValid(header, payload, secret, TimeSpan.FromMinutes(5));
}
