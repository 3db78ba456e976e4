using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Orchestration.Endpoints.Gateway.Security;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateTokenRequest(string? Name, string[]? Roles, int? ExpiresInDays);

/// <summary>
/// <c>/api/auth</c>: <c>POST login</c> (sets the portal cookie), <c>POST logout</c>, <c>GET me</c>, <c>POST password</c>,
/// and the caller's API tokens (<c>POST/GET tokens</c>, <c>DELETE tokens/{id}</c>).
/// </summary>
static class AuthApi
{
    // One answer for an unknown email, a wrong password and a disabled user, so that sign-in tells nobody which accounts exist.
    const string SignInFailedTitle = "Sign-in failed";
    const string SignInFailedDetail = "The email address and password do not match an active staff account.";

    const int MaxTokenNameLength = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth");
        auth.MapPost("/login", LoginAsync).AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthorization();
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization();

        var tokens = auth.MapGroup("/tokens").RequireAuthorization(GatewayPolicies.Staff);
        tokens.MapPost("", CreateTokenAsync);
        tokens.MapGet("", ListTokensAsync);
        tokens.MapDelete("/{id:guid}", RevokeTokenAsync);
    }

    static async Task<IResult> LoginAsync(LoginRequest request, HttpContext context, StaffDirectory directory, LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var errors = new Dictionary<string, string[]>();
        // Checked before the throttle, which keeps a counter per email.
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 254)
            errors["email"] = ["An email address of at most 254 characters is required."];
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > StaffRules.MaxPasswordLength)
            errors["password"] = [$"A password of at most {StaffRules.MaxPasswordLength} characters is required."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var logger = loggers.CreateLogger(typeof(AuthApi).FullName!);
        var address = ClientAddress(context);
        if (throttle.TryAttempt(address, StaffDirectory.EmailKey(request.Email!)) is { } wait)
        {
            logger.LogWarning("Sign-in attempt from {RemoteAddress} refused: too many attempts for the address or the email", address);
            return TooManyAttempts(context, wait);
        }

        var check = await directory.CheckPasswordAsync(request.Email!, request.Password!, context.RequestAborted);
        if (check is not { Failure: null, User: { } user })
        {
            logger.LogWarning("Sign-in refused from {RemoteAddress}: {Failure} (staff user {UserId})", address, check.Failure, check.User?.Id);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: SignInFailedTitle, detail: SignInFailedDetail);
        }

        await context.SignInAsync(StaffAuthentication.CookieScheme, StaffAuthentication.CookiePrincipal(user),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        logger.LogInformation("Staff user {UserId} signed in from {RemoteAddress}", user.Id, address);
        return Results.Ok(new { email = user.Email, displayName = user.DisplayName, roles = user.Roles });
    }

    static async Task<IResult> LogoutAsync(HttpContext context, ILoggerFactory loggers)
    {
        if (context.User.AuthenticatedBy() == StaffAuthentication.ByCookie)
            loggers.CreateLogger(typeof(AuthApi).FullName!).LogInformation("Staff user {UserId} signed out", context.User.StaffUserId());
        await context.SignOutAsync(StaffAuthentication.CookieScheme);
        return Results.NoContent();
    }

    static IResult Me(ClaimsPrincipal caller) => Results.Ok(new
    {
        email = caller.Identity?.Name,
        displayName = caller.FindFirstValue(StaffAuthentication.DisplayNameClaim),
        roles = caller.StaffRolesHeld(),
        authenticatedBy = caller.AuthenticatedBy(),
    });

    /// <summary>Needs the current password; ends every other portal session of the user, keeps this one (when it is one).</summary>
    static async Task<IResult> ChangePasswordAsync(ChangePasswordRequest request, HttpContext context, StaffDirectory directory, LoginThrottle throttle)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > StaffRules.MaxPasswordLength)
            errors["currentPassword"] = ["The current password is required."];
        if (StaffRules.ValidatePassword(request.NewPassword) is { } passwordError)
            errors["newPassword"] = [passwordError];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var caller = context.User;
        if (throttle.TryAttempt(ClientAddress(context), StaffDirectory.EmailKey(caller.Identity?.Name ?? "")) is { } wait)
            return TooManyAttempts(context, wait);

        var user = await directory.ChangePasswordAsync(caller.StaffUserId()!.Value, request.CurrentPassword!, request.NewPassword!, context.RequestAborted);
        if (user is null)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is not correct."] });

        if (caller.AuthenticatedBy() == StaffAuthentication.ByCookie)
            await context.SignInAsync(StaffAuthentication.CookieScheme, StaffAuthentication.CookiePrincipal(user),
                new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return Results.NoContent();
    }

    static async Task<IResult> CreateTokenAsync(CreateTokenRequest request, ClaimsPrincipal caller, StaffDirectory directory, ApiTokenStore tokens,
        IOptionsSnapshot<GatewaySecurityOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        // A token cannot mint tokens: a child would outlive its parent's expiry and revocation.
        if (caller.AuthenticatedBy() != StaffAuthentication.ByCookie)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in to create API tokens",
                detail: "API tokens are created by a signed-in staff member, not by another API token.");

        var held = caller.StaffRolesHeld();
        var roles = request.Roles?.Distinct(StringComparer.Ordinal).ToList() ?? [.. held];
        var maxLifetime = options.Value.TokenMaxLifetime;
        var maxDays = (int)Math.Min(int.MaxValue, Math.Floor(maxLifetime.TotalDays));

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxTokenNameLength)
            errors["name"] = [$"A name of at most {MaxTokenNameLength} characters is required."];
        if (StaffRules.ValidateRoles(roles) is { } rolesError)
            errors["roles"] = [rolesError];
        else if (roles.Count == 0)
            errors["roles"] = ["A token needs at least one role."];
        else if (roles.Except(held, StringComparer.Ordinal).ToList() is { Count: > 0 } notHeld)
            errors["roles"] = [$"A token can only have roles you hold; you do not hold {string.Join(", ", notHeld)}."];
        if (request.ExpiresInDays is { } days && (days < 1 || days > maxDays))
            errors["expiresInDays"] = [$"A token expires after 1 to {maxDays} days."];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var owner = await directory.FindAsync(caller.StaffUserId()!.Value, cancellationToken);
        if (owner is null)
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required", detail: "The signed-in user no longer exists.");

        var lifetime = request.ExpiresInDays is { } requested ? TimeSpan.FromDays(requested) : maxLifetime;
        var issued = await tokens.IssueAsync(owner, request.Name!, roles, time.GetUtcNow() + lifetime, cancellationToken);
        var token = issued.Token;
        return Results.Created((string?)null, new { id = token.Id, name = token.Name, token = issued.Value, roles = token.Roles, expiresAt = token.ExpiresAt });
    }

    /// <summary>The caller's own tokens; an admin sees everyone's.</summary>
    static async Task<IResult> ListTokensAsync(ClaimsPrincipal caller, ApiTokenStore tokens, CancellationToken cancellationToken) =>
        Results.Ok(await tokens.ListAsync(caller.IsInRole(GatewayRoles.Admin) ? null : caller.StaffUserId(), cancellationToken));

    /// <summary>Revokes one of the caller's tokens; an admin may revoke anyone's. Someone else's token is as unknown as a missing one.</summary>
    static async Task<IResult> RevokeTokenAsync(Guid id, ClaimsPrincipal caller, ApiTokenStore tokens, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await tokens.RevokeAsync(id, caller.IsInRole(GatewayRoles.Admin) ? null : caller.StaffUserId(), cancellationToken))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "API token not found", detail: $"You have no API token {id}.");

        loggers.CreateLogger(typeof(AuthApi).FullName!).LogInformation("API token {TokenId} revoked by staff user {UserId}", id, caller.StaffUserId());
        return Results.NoContent();
    }

    static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    static IResult TooManyAttempts(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
            detail: $"Too many sign-in attempts for this email address or from this address; try again in {seconds} seconds.");
    }
}
