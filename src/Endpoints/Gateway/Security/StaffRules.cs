using System.ComponentModel.DataAnnotations;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>Roles as stored: known names only, each once, in the order of <see cref="GatewayRoles.All"/>, space-separated.</summary>
public static class StaffRoles
{
    public static IReadOnlyList<string> Normalize(IEnumerable<string> roles)
    {
        var wanted = roles.ToHashSet(StringComparer.Ordinal);
        return [.. GatewayRoles.All.Where(wanted.Contains)];
    }

    public static string Format(IEnumerable<string> roles) => string.Join(' ', Normalize(roles));

    public static IReadOnlyList<string> Parse(string stored) => Normalize(stored.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static IEnumerable<string> Unknown(IEnumerable<string> roles) => roles.Where(r => !GatewayRoles.All.Contains(r, StringComparer.Ordinal));
}

/// <summary>What the Gateway accepts for a staff user's email, name, password and roles; the users API and seeding share it.</summary>
public static class StaffRules
{
    public const int MinPasswordLength = 12;

    // Long enough for any passphrase; bounds the work one sign-in attempt can cause.
    public const int MaxPasswordLength = 1024;

    public static Dictionary<string, string[]> ValidateNewUser(string? email, string? displayName, string? password, IReadOnlyList<string>? roles)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(email) || email.Trim().Length > 254 || !new EmailAddressAttribute().IsValid(email.Trim()))
            errors["email"] = ["A valid email address is required."];
        else if (InvisibleCharacter(email) is { } invisibleInEmail)
            errors["email"] = [invisibleInEmail];
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 200)
            errors["displayName"] = ["A display name of at most 200 characters is required."];
        else if (InvisibleCharacter(displayName) is { } invisibleInName)
            errors["displayName"] = [invisibleInName];
        if (ValidatePassword(password) is { } passwordError)
            errors["password"] = [passwordError];
        if (ValidateRoles(roles) is { } rolesError)
            errors["roles"] = [rolesError];
        return errors;
    }

    /// <summary>
    /// Why the text cannot be a name or an address shown to people and written to logs (see
    /// <see cref="Api.FieldRules.Unprintable"/>), or null when it can.
    /// </summary>
    public static string? InvisibleCharacter(string text) =>
        Api.FieldRules.Unprintable(text) is { } reason ? $"This text cannot contain {reason}." : null;

    public static string? ValidatePassword(string? password) =>
        password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength
            ? $"A password of {MinPasswordLength} to {MaxPasswordLength} characters is required."
            : null;

    public static string? ValidateRoles(IReadOnlyList<string>? roles)
    {
        if (roles is null)
            return "A list of roles is required (it may be empty).";
        var unknown = StaffRoles.Unknown(roles).ToList();
        return unknown.Count > 0
            ? $"Unknown role(s): {string.Join(", ", unknown)}. Known roles: {string.Join(", ", GatewayRoles.All)}."
            : null;
    }
}
