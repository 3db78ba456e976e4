namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>What the staff users a test makes up sign in with; the security tests name it often, as <c>Password</c>.</summary>
public static class StaffCredentials
{
    /// <summary>Long enough for the Gateway's password rules.</summary>
    public const string Password = "a long enough password";
}
