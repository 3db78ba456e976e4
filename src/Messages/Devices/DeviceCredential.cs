using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Messages.Devices;

/// <summary>
/// The format of <see cref="RegisterDevice.CredentialHash"/>, part of the contract: whoever registers a device (the
/// Gateway) makes the password and its hash here, and Devices, RabbitMQ and the embedded broker check against it.
/// A device's MQTT password and its hash in RabbitMQ's <c>rabbit_password_hashing_sha256</c> format: base64 of a 4-byte
/// salt followed by SHA-256(salt + password). RabbitMQ takes that hash as it is, and the embedded broker checks a
/// password against the same hash, so the password is stored nowhere. One unsalted-round hash is enough for a password
/// of 32 random bytes; it would not be for a password a person chose.
/// </summary>
public static class DeviceCredential
{
    public const string RabbitHashingAlgorithm = "rabbit_password_hashing_sha256";

    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string password) => Hash(RandomNumberGenerator.GetBytes(4), password);

    public static bool Matches(string password, string hash)
    {
        Span<byte> stored = stackalloc byte[36];
        if (!Convert.TryFromBase64String(hash, stored, out var length) || length != 36)
            return false;
        var expected = Convert.FromBase64String(Hash(stored[..4].ToArray(), password));
        return CryptographicOperations.FixedTimeEquals(expected, stored);
    }

    static string Hash(byte[] salt, string password)
    {
        var salted = salt.Concat(Encoding.UTF8.GetBytes(password)).ToArray();
        return Convert.ToBase64String([.. salt, .. SHA256.HashData(salted)]);
    }
}
