using System.Security.Claims;

namespace Orchestration.Endpoints.Gateway.Security;

public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string[]? Roles);

public sealed record SetRolesRequest(string[]? Roles);

public sealed record ResetPasswordRequest(string? NewPassword, bool? KeepApiTokens);

/// <summary>A staff user as the users API shows it.</summary>
public sealed record StaffUserView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public static StaffUserView From(StaffUser user) =>
        new(user.Id, user.Email, user.DisplayName, user.Roles, user.Disabled, user.CreatedAt, user.DisabledAt);
}

/// <summary>
/// <c>/api/users</c>, for admins: list, create, read, replace roles, disable, enable and reset a password. An admin cannot
/// disable themselves or take away their own admin role, so the last admin cannot lock everyone out by accident. What
/// grants access (creating a user, giving roles, enabling, setting a password) needs the portal cookie: an admin's API
/// token can read users and disable them, not make new credentials.
/// </summary>
static class UsersApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").RequireAuthorization(GatewayPolicies.Admin);
        users.MapGet("", ListAsync);
        users.MapPost("", CreateAsync).RequireSignedInSession("Sign in to create users");
        users.MapGet("/{id:guid}", GetAsync);
        users.MapPut("/{id:guid}/roles", SetRolesAsync).RequireSignedInSession("Sign in to change roles");
        users.MapPost("/{id:guid}/disable", DisableAsync);
        users.MapPost("/{id:guid}/enable", EnableAsync).RequireSignedInSession("Sign in to enable users");
        users.MapPost("/{id:guid}/password", ResetPasswordAsync).RequireSignedInSession("Sign in to reset passwords");
    }

    static async Task<IResult> ListAsync(StaffDirectory directory, CancellationToken cancellationToken) =>
        Results.Ok((await directory.ListAsync(cancellationToken)).Select(StaffUserView.From));

    static async Task<IResult> CreateAsync(CreateUserRequest request, StaffDirectory directory, CancellationToken cancellationToken)
    {
        var errors = StaffRules.ValidateNewUser(request.Email, request.DisplayName, request.Password, request.Roles);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors);

        var user = await directory.CreateAsync(request.Email!, request.DisplayName!, request.Password!, request.Roles!, cancellationToken);
        return user is null
            ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Email already in use", detail: "Another staff user has this email address.")
            : Results.Created($"/api/users/{user.Id}", StaffUserView.From(user));
    }

    static async Task<IResult> GetAsync(Guid id, StaffDirectory directory, CancellationToken cancellationToken) =>
        await directory.FindAsync(id, cancellationToken) is { } user ? Results.Ok(StaffUserView.From(user)) : NotFound(id);

    static async Task<IResult> SetRolesAsync(Guid id, SetRolesRequest request, ClaimsPrincipal caller, StaffDirectory directory,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (StaffRules.ValidateRoles(request.Roles) is { } rolesError)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = [rolesError] });
        if (id == caller.StaffUserId() && !request.Roles!.Contains(GatewayRoles.Admin, StringComparer.Ordinal))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = ["You cannot take away your own admin role."] });

        var user = await directory.SetRolesAsync(id, request.Roles!, cancellationToken);
        if (user is null)
            return NotFound(id);

        loggers.CreateLogger(typeof(UsersApi).FullName!)
            .LogInformation("Staff user {UserId} given roles {Roles} by {AdminId}", id, user.Roles, caller.StaffUserId());
        return Results.Ok(StaffUserView.From(user));
    }

    static async Task<IResult> DisableAsync(Guid id, ClaimsPrincipal caller, StaffDirectory directory, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (id == caller.StaffUserId())
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cannot disable yourself",
                detail: "Another admin has to disable your account.");
        if (!await directory.DisableAsync(id, cancellationToken))
            return NotFound(id);

        loggers.CreateLogger(typeof(UsersApi).FullName!)
            .LogInformation("Staff user {UserId} disabled by {AdminId}; their sessions ended and API tokens revoked", id, caller.StaffUserId());
        return Results.NoContent();
    }

    static async Task<IResult> EnableAsync(Guid id, ClaimsPrincipal caller, StaffDirectory directory, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!await directory.EnableAsync(id, cancellationToken))
            return NotFound(id);

        loggers.CreateLogger(typeof(UsersApi).FullName!).LogInformation("Staff user {UserId} enabled by {AdminId}", id, caller.StaffUserId());
        return Results.NoContent();
    }

    /// <summary>
    /// Sets a new password for the user, ends all their portal sessions and revokes their API tokens, unless
    /// <c>keepApiTokens</c> is true (for automation that must keep running while a person's password is replaced).
    /// </summary>
    static async Task<IResult> ResetPasswordAsync(Guid id, ResetPasswordRequest request, ClaimsPrincipal caller, StaffDirectory directory,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (StaffRules.ValidatePassword(request.NewPassword) is { } passwordError)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = [passwordError] });

        var keepApiTokens = request.KeepApiTokens ?? false;
        if (await directory.ResetPasswordAsync(id, request.NewPassword!, keepApiTokens, cancellationToken) is null)
            return NotFound(id);

        loggers.CreateLogger(typeof(UsersApi).FullName!).LogInformation("Staff user {UserId} had their password reset by {AdminId}; API tokens {TokensKept}",
            id, caller.StaffUserId(), keepApiTokens ? "kept" : "revoked");
        return Results.NoContent();
    }

    static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Staff user not found", detail: $"No staff user {id} exists.");
}
