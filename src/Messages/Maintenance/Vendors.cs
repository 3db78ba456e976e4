using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Messages.Maintenance;

/// <summary>
/// Registers a vendor with the registry. The signing secret travels here because the registry signs every dispatch with
/// it; whoever registered the vendor was shown it once. It travels sealed (<see cref="VendorSecretSeal"/>), so that an
/// outbox row, a queue, an error queue or the failed-message store never holds it readable.
/// </summary>
public sealed record RegisterVendor
{
    public required Guid VendorId { get; init; }
    public required string Name { get; init; }

    /// <summary>Trades and service areas: letters, digits and '-', at most 40 each; the registry keeps them in lower case.</summary>
    public required IReadOnlyList<string> Trades { get; init; }

    public required IReadOnlyList<string> ServiceAreas { get; init; }
    public required string CallbackUrl { get; init; }

    /// <summary>The signing secret as <see cref="VendorSecretSeal.Seal"/> sealed it for this vendor.</summary>
    public required string SigningSecret { get; init; }

    public required DateOnly InsuranceExpiresOn { get; init; }

    /// <summary>Orders the vendors of a trade, lowest first.</summary>
    public required int Preference { get; init; }
}

/// <summary>The vendor is in the registry and can be chosen for work orders; without its signing secret.</summary>
public sealed record VendorRegistered
{
    public required Guid VendorId { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Trades { get; init; }
    public required IReadOnlyList<string> ServiceAreas { get; init; }
    public required string CallbackUrl { get; init; }
    public required DateOnly InsuranceExpiresOn { get; init; }
    public required int Preference { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>Sets the date the vendor's insurance expires; from the next day on, the vendor is not chosen.</summary>
public sealed record UpdateVendorCompliance
{
    public required Guid VendorId { get; init; }
    public required DateOnly InsuranceExpiresOn { get; init; }

    /// <summary>When staff asked; of two updates, the later request wins wherever they arrive in another order.</summary>
    public required DateTimeOffset RequestedAt { get; init; }
}

public sealed record VendorComplianceUpdated
{
    public required Guid VendorId { get; init; }
    public required DateOnly InsuranceExpiresOn { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>Adds an API key to the vendor, as its hash (<see cref="VendorApiKey.Hash"/>); the key itself never travels.</summary>
public sealed record IssueVendorApiKey
{
    public required Guid VendorId { get; init; }
    public required Guid KeyId { get; init; }
    public required string KeyHash { get; init; }
}

public sealed record VendorApiKeyIssued
{
    public required Guid VendorId { get; init; }
    public required Guid KeyId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}

/// <summary>Revokes one of the vendor's API keys; the vendor API refuses it from then on.</summary>
public sealed record RevokeVendorApiKey
{
    public required Guid VendorId { get; init; }
    public required Guid KeyId { get; init; }
}

public sealed record VendorApiKeyRevoked
{
    public required Guid VendorId { get; init; }
    public required Guid KeyId { get; init; }
    public required DateTimeOffset RevokedAt { get; init; }
}

/// <summary>
/// A vendor API key (<c>vk_</c> and 256 random bits) and the one form it is kept and compared in. Whoever makes a key
/// shows it once and hands on only its hash.
/// </summary>
public static class VendorApiKey
{
    public const string Prefix = "vk_";

    /// <summary>Longer than any key made here; a longer presented key is refused before hashing.</summary>
    public const int MaxLength = 100;

    public static string New() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // The keys are 256 random bits, so a fast hash is enough: there is no dictionary to try against it. The lookup is
    // by the hash itself, so no stored value is ever compared with the presented one.
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether a hash has the form <see cref="Hash"/> gives: 64 lower-case hex digits.</summary>
    public static bool IsHash(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigitLower);
}

/// <summary>A vendor's signing secret, made where the vendor is registered and shown once there.</summary>
public static class VendorSigningSecret
{
    public static string New() => "vwhsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// Seals a vendor's signing secret for its way from the Gateway to the registry: AES-256-GCM under a key derived (HKDF,
/// SHA-256) from the setting <see cref="Setting"/>, which both endpoints are configured with, and bound to the vendor's id,
/// so a sealed secret opens only with that key and only in a registration of that vendor.
/// </summary>
public static class VendorSecretSeal
{
    /// <summary>The setting both the Gateway and Maintenance read the sealing key from: at least 32 characters.</summary>
    public const string Setting = "Vendors:SecretSealingKey";

    public const int MinKeyLength = 32;

    const string Prefix = "sealed.v1.";
    const int NonceSize = 12;
    const int TagSize = 16;
    static readonly byte[] Purpose = Encoding.UTF8.GetBytes("orchestration vendor signing secret v1");

    /// <summary>Whether <paramref name="key"/> is long enough to seal with.</summary>
    public static bool IsUsableKey(string? key) => key is { Length: >= MinKeyLength };

    public static string Seal(string secret, string key, Guid vendorId)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(key), TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), vendorId.ToByteArray());
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret, or null when <paramref name="value"/> was not sealed with this key for this vendor.</summary>
    public static string? Unseal(string? value, string key, Guid vendorId)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var sealedBytes = new byte[(value.Length - Prefix.Length) * 3 / 4];
        if (!Convert.TryFromBase64String(value[Prefix.Length..], sealedBytes, out var length) || length < NonceSize + TagSize)
            return null;

        var plainLength = length - NonceSize - TagSize;
        var plain = new byte[plainLength];
        try
        {
            using var aes = new AesGcm(DeriveKey(key), TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plainLength), sealedBytes.AsSpan(NonceSize + plainLength, TagSize),
                plain, vendorId.ToByteArray());
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    static byte[] DeriveKey(string key) =>
        IsUsableKey(key)
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key), 32, salt: [], info: Purpose)
            : throw new InvalidOperationException($"{Setting} must be at least {MinKeyLength} characters.");
}

/// <summary>What a trade or service area may be: letters, digits and '-', 1 to 40 characters once trimmed.</summary>
public static class VendorListEntry
{
    public const int MaxLength = 40;

    public static bool IsValid(string? entry) =>
        entry?.Trim() is { Length: > 0 and <= MaxLength } trimmed && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
