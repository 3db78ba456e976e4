using System.Net.Mail;

namespace Orchestration.Simulators.Http;

internal static class EmailAddresses
{
    /// <summary>A bare address (no display name) with a dotted domain, which is what the providers accept.</summary>
    public static bool IsValid(string? email) =>
        !string.IsNullOrWhiteSpace(email)
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');
}
