using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Messages.Maintenance;

/// <summary>
/// Registers a vendor with the registry. The signing secret travels here because the registry signs every dispatch with
/// it; whoever registered the vendor was shown it once and it is stored nowhere else.
/// </summary>
public sealed record RegisterVendor
{
    public required Guid VendorId { get; init; }
    public required string Name { get; init; }

    /// <summary>Trades and service areas: letters, digits and '-', at most 40 each; the registry keeps them in lower case.</summary>
    public required IReadOnlyList<string> Trades { get; init; }

    public required IReadOnlyList<string> ServiceAreas { get; init; }
    public required string CallbackUrl { get; init; }
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

/// <summary>What a trade or service area may be: letters, digits and '-', 1 to 40 characters once trimmed.</summary>
public static class VendorListEntry
{
    public const int MaxLength = 40;

    public static bool IsValid(string? entry) =>
        entry?.Trim() is { Length: > 0 and <= MaxLength } trimmed && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
