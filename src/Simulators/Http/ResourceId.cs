using System.Security.Cryptography;

namespace Orchestration.Simulators.Http;

/// <summary>Identifiers in the providers' style: a type prefix and random letters (<c>pi_3Nq...</c>).</summary>
internal static class ResourceId
{
    const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) => $"{prefix}_{Random(length)}";

    /// <summary>Random letters and digits with no prefix (SendGrid's message ids).</summary>
    public static string Random(int length) => new(RandomNumberGenerator.GetItems<char>(Alphabet, length));
}
