using System.Globalization;
using System.Security.Cryptography;

namespace Orchestration.Endpoints.Devices.AccessCodes;

/// <summary>
/// A smart-lock code: six random digits, kept only as a salted PBKDF2 hash. A code derived from the lease could be
/// worked out by anyone who knows the lease id, so it is drawn at random; six digits are few enough to guess from a
/// bare hash, so the hash is slow and salted per code.
/// </summary>
public static class AccessCode
{
    const int Iterations = 100_000;
    const int SaltBytes = 16;
    const int HashBytes = 32;

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary><c>pbkdf2-sha256$iterations$salt$hash</c>, salt and hash in base64.</summary>
    public static string Hash(string code)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(code, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Matches(string code, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var iterations, var salt, var hash])
            return false;
        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(code, Convert.FromBase64String(salt), int.Parse(iterations, CultureInfo.InvariantCulture),
            HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
