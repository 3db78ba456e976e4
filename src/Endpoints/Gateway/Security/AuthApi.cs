using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Orchestration.Endpoints.Gateway.Security;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateTokenRequest(string? Name, string[]? Roles, int? ExpiresInDays);

/// <summary>
/// <c>/api/auth</c>: <c>POST login</c> (sets the portal cookie; its body is at most <see cref="MaxLoginBodyBytes"/>),
/// <c>POST logout</c>, <c>GET me</c>, <c>POST password</c>, and the caller's API tokens (<c>POST/GET tokens</c>,
/// <c>DELETE tokens/{id}</c>). Changing the password and creating tokens need the portal cookie, not an API token.
/// </summary>
static class AuthApi
{
    // One answer for an unknown email, a wrong password and a disabled user, so that sign-in tells nobody which accounts exist.
    const string SignInFailedTitle = "Sign-in failed";
    const string SignInFailedDetail = "The email address and password do not match an active staff account.";

    const int MaxTokenNameLength = 100;

    /// <summary>An email, a password of <see cref="StaffRules.MaxPasswordLength"/> characters and JSON around them fit easily.</summary>
    public const int MaxLoginBodyBytes = 4 * 1024;

    static readonly JsonSerializerOptions LoginJson = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth");
        // No Accepts metadata: routing would answer a wrong content type before the handler, which counts it as a refused attempt.
        auth.MapPost("/login", LoginAsync).AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(MaxLoginBodyBytes));
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthorization();
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization().RequireSignedInSession("Sign in to change your password");

        var tokens = auth.MapGroup("/tokens").RequireAuthorization(GatewayPolicies.Staff);
        // A token cannot mint tokens: a child would outlive its parent's expiry and revocation.
        tokens.MapPost("", CreateTokenAsync).RequireSignedInSession("Sign in to create API tokens");
        tokens.MapGet("", ListTokensAsync);
        tokens.MapDelete("/{id:guid}", RevokeTokenAsync);
    }

    /// <summary>
    /// Reads the body itself rather than through parameter binding, so that a request refused for its body (too large,
    /// not JSON, unreadable, fields missing or too long) still counts against the client address.
    /// </summary>
    static async Task<IResult> LoginAsync(HttpContext context, StaffDirectory directory, StaffSessions sessions, LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AuthApi).FullName!);
        var address = LoginThrottle.AddressKey(context.Connection.RemoteIpAddress);
        if (throttle.AddressWait(address) is { } addressWait)
            return TooManyAttempts(context, logger, address, addressWait);

        var (request, refusal) = await ReadLoginAsync(context.Request);
        if (refusal is null)
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request?.Email) || request.Email.Length > 254)
                errors["email"] = ["An email address of at most 254 characters is required."];
            else if (StaffRules.InvisibleCharacter(request.Email) is { } invisible)
                errors["email"] = [invisible];
            if (string.IsNullOrEmpty(request?.Password) || request.Password.Length > StaffRules.MaxPasswordLength)
                errors["password"] = [$"A password of at most {StaffRules.MaxPasswordLength} characters is required."];
            if (errors.Count > 0)
                refusal = Results.ValidationProblem(errors);
        }
        if (refusal is not null)
        {
            throttle.Refused(address);
            return refusal;
        }

        var emailKey = StaffDirectory.EmailKey(request!.Email!);
        if (throttle.TryBegin(address, emailKey) is { } wait)
            return TooManyAttempts(context, logger, address, wait);

        PasswordCheck check;
        try
        {
            check = await directory.CheckPasswordAsync(request.Email!, request.Password!, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            throttle.Abandoned(address);
            throw;
        }
        if (check is not { Failure: null, User: { } user })
        {
            throttle.Failed(address, emailKey);
            logger.LogWarning("Sign-in refused from {RemoteAddress}: {Failure} (staff user {UserId})", address, check.Failure, check.User?.Id);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: SignInFailedTitle, detail: SignInFailedDetail);
        }

        throttle.Succeeded(address, emailKey);
        var sessionId = await sessions.StartAsync(user, context.RequestAborted);
        await context.SignInAsync(StaffAuthentication.CookieScheme, StaffAuthentication.CookiePrincipal(user, sessionId),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        logger.LogInformation("Staff user {UserId} signed in from {RemoteAddress}", user.Id, address);
        return Results.Ok(new { email = user.Email, displayName = user.DisplayName, roles = user.Roles });
    }

    static async Task<(LoginRequest? Request, IResult? Refusal)> ReadLoginAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the email and password as application/json."));
        try
        {
            return (await request.ReadFromJsonAsync<LoginRequest>(LoginJson, request.HttpContext.RequestAborted), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"A sign-in request is at most {MaxLoginBodyBytes} bytes."));
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException or InvalidOperationException)
        {
            // InvalidOperationException: text that is not valid UTF-16, such as a lone surrogate escape.
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable sign-in request",
                detail: "The body must be a JSON object with an email and a password."));
        }
    }

    /// <summary>Ends the caller's portal session on the server, so that no copy of its cookie works any more, and drops the cookie.</summary>
    static async Task<IResult> LogoutAsync(HttpContext context, StaffSessions sessions, ILoggerFactory loggers)
    {
        if (context.User.StaffSessionId() is { } sessionId)
        {
            await sessions.EndAsync(sessionId, context.RequestAborted);
            loggers.CreateLogger(typeof(AuthApi).FullName!).LogInformation("Staff user {UserId} signed out", context.User.StaffUserId());
        }
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

    /// <summary>
    /// Needs the current password and the portal cookie; ends every other portal session of the user, keeps this one, and
    /// revokes the user's API tokens. Wrong current passwords are slowed like sign-in failures from this address, but
    /// nobody else's failures stand in the way.
    /// </summary>
    static async Task<IResult> ChangePasswordAsync(ChangePasswordRequest request, HttpContext context, StaffDirectory directory, LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > StaffRules.MaxPasswordLength)
            errors["currentPassword"] = ["The current password is required."];
        if (StaffRules.ValidatePassword(request.NewPassword) is { } passwordError)
            errors["newPassword"] = [passwordError];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var caller = context.User;
        var logger = loggers.CreateLogger(typeof(AuthApi).FullName!);
        var address = LoginThrottle.AddressKey(context.Connection.RemoteIpAddress);
        var emailKey = StaffDirectory.EmailKey(caller.Identity?.Name ?? "");
        if (throttle.TryBegin(address, emailKey, emailCeiling: false) is { } wait)
            return TooManyAttempts(context, logger, address, wait);

        var sessionId = caller.StaffSessionId()!;
        var user = await directory.ChangePasswordAsync(caller.StaffUserId()!.Value, request.CurrentPassword!, request.NewPassword!, sessionId,
            context.RequestAborted);
        if (user is null)
        {
            throttle.Failed(address, emailKey);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is not correct."] });
        }

        throttle.Succeeded(address, emailKey);
        await context.SignInAsync(StaffAuthentication.CookieScheme, StaffAuthentication.CookiePrincipal(user, sessionId),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return Results.NoContent();
    }

    static async Task<IResult> CreateTokenAsync(CreateTokenRequest request, ClaimsPrincipal caller, StaffDirectory directory, ApiTokenStore tokens,
        IOptionsSnapshot<GatewaySecurityOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var held = caller.StaffRolesHeld();
        var roles = request.Roles?.Distinct(StringComparer.Ordinal).ToList() ?? [.. held];
        var maxLifetime = options.Value.TokenMaxLifetime;
        var maxDays = (int)Math.Min(int.MaxValue, Math.Floor(maxLifetime.TotalDays));

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxTokenNameLength)
            errors["name"] = [$"A name of at most {MaxTokenNameLength} characters is required."];
        else if (StaffRules.InvisibleCharacter(request.Name) is { } invisible)
            errors["name"] = [invisible];
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

    static IResult TooManyAttempts(HttpContext context, ILogger logger, string address, TimeSpan wait)
    {
        logger.LogWarning("Sign-in attempt from {RemoteAddress} refused: too many attempts for the address, the account or both", address);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
            detail: $"Too many sign-in attempts for this account or from this address; try again in {seconds} seconds.");
    }
}
