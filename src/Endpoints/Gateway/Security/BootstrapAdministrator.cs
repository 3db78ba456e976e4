namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Creates the administrator named in <c>Gateway:Security:BootstrapAdmin</c> at start-up when no user has that email.
/// A user who already has it is left exactly as they are: an admin who changed the password, or disabled that account,
/// is not overruled by configuration. Runs after the schema migrations (hosted services start in registration order, and
/// <see cref="GatewaySecurityExtensions.AddGatewaySecurity"/> insists on coming after the endpoint's storage).
/// </summary>
public sealed class BootstrapAdministrator(IOptions<GatewaySecurityOptions> options, StaffDirectory directory, ILogger<BootstrapAdministrator> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value.BootstrapAdmin;
        if (string.IsNullOrWhiteSpace(admin.Email))
            return;
        if (StaffRules.ValidatePassword(admin.Password) is { } passwordError)
            throw new InvalidOperationException($"{GatewaySecurityOptions.Section}:BootstrapAdmin:Password: {passwordError}");

        var existing = await directory.FindByEmailAsync(admin.Email, cancellationToken);
        if (existing is not null)
        {
            logger.LogInformation("Bootstrap administrator already present as staff user {UserId}; left unchanged", existing.Id);
            return;
        }

        var user = await directory.EnsureUserAsync(admin.Email,
            string.IsNullOrWhiteSpace(admin.DisplayName) ? "Administrator" : admin.DisplayName, admin.Password, [GatewayRoles.Admin], cancellationToken);
        logger.LogInformation("Bootstrap administrator created as staff user {UserId}", user.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
