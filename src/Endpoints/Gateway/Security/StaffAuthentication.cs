using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// The authentication schemes and the claims a signed-in staff member carries. <see cref="Scheme"/> is the default: it
/// hands a request with an <c>Authorization</c> header to <see cref="TokenScheme"/> and any other to <see cref="CookieScheme"/>.
/// </summary>
public static class StaffAuthentication
{
    public const string Scheme = "staff";
    public const string CookieScheme = "staff-cookie";
    public const string TokenScheme = "staff-token";

    /// <summary>The identity's authentication type, reported by <c>/api/auth/me</c> as <c>authenticatedBy</c>.</summary>
    public const string ByCookie = "cookie";
    public const string ByToken = "token";

    public const string DisplayNameClaim = "display_name";
    public const string SecurityStampClaim = "security_stamp";
    public const string SessionIdClaim = "session_id";
    public const string TokenIdClaim = "token_id";

    public static ClaimsPrincipal CookiePrincipal(StaffUser user, string sessionId) =>
        Principal(user, user.Roles, ByCookie, new Claim(SecurityStampClaim, user.SecurityStamp), new Claim(SessionIdClaim, sessionId));

    public static ClaimsPrincipal TokenPrincipal(StaffUser owner, ApiToken token, IEnumerable<string> roles) =>
        Principal(owner, roles, ByToken, new Claim(TokenIdClaim, token.Id.ToString()));

    static ClaimsPrincipal Principal(StaffUser user, IEnumerable<string> roles, string authenticatedBy, params Claim[] extra)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.Email),
            new(DisplayNameClaim, user.DisplayName),
        };
        claims.AddRange(extra);
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticatedBy, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static Guid? StaffUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static IReadOnlyList<string> StaffRolesHeld(this ClaimsPrincipal principal) =>
        StaffRoles.Normalize(principal.FindAll(ClaimTypes.Role).Select(c => c.Value));

    public static string? AuthenticatedBy(this ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, AuthenticationType: var type } ? type : null;

    /// <summary>The portal session id of a cookie-authenticated principal; null for an API token or nobody.</summary>
    public static string? StaffSessionId(this ClaimsPrincipal principal) =>
        principal.AuthenticatedBy() == ByCookie ? principal.FindFirstValue(SessionIdClaim) : null;

    /// <summary>
    /// Refuses the request with 403 unless it is signed in with the portal cookie: for what must not be done with an API
    /// token (a stolen or leaked token must not be able to make itself new credentials).
    /// </summary>
    public static TBuilder RequireSignedInSession<TBuilder>(this TBuilder builder, string title) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => context.HttpContext.User.AuthenticatedBy() == ByCookie
            ? await next(context)
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: title,
                detail: "Sign in to the portal for this; an API token cannot do it."));

    /// <summary>A problem-details response for the schemes' challenges and refusals; no scheme ever redirects.</summary>
    internal static Task WriteProblemAsync(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);

    internal static Task ChallengeAsync(HttpContext context) =>
        WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Sign-in required",
            "Sign in at /api/auth/login, or send an API token as 'Authorization: Bearer <token>'.");

    internal static Task ForbidAsync(HttpContext context) =>
        WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Not allowed",
            "Your roles do not allow this request.");
}

/// <summary>
/// Portal cookie behaviour: every request re-reads the session and its user (<see cref="StaffSessions"/>), so signing out,
/// the session's absolute end, a disabled user, a changed password (new security stamp) or a deleted user ends it at
/// once, and role changes apply on the next request. Challenges and refusals are problem details, never redirects to a
/// login page.
/// </summary>
public sealed class StaffCookieEvents(StaffSessions sessions, ILogger<StaffCookieEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var sessionId = principal?.FindFirst(StaffAuthentication.SessionIdClaim)?.Value;
        var session = sessionId is null ? null : await sessions.FindAsync(sessionId, context.HttpContext.RequestAborted);
        if (session is not { User: var user } || user.Id != principal?.StaffUserId() || user.Disabled
            || user.SecurityStamp != principal.FindFirst(StaffAuthentication.SecurityStampClaim)?.Value)
        {
            logger.LogInformation("Ended a portal session of staff user {UserId}: signed out, too old, or the user is gone, disabled or changed their password",
                principal?.StaffUserId());
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(StaffAuthentication.CookieScheme);
            return;
        }

        context.ReplacePrincipal(StaffAuthentication.CookiePrincipal(user, sessionId!));
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        StaffAuthentication.ChallengeAsync(context.HttpContext);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        StaffAuthentication.ForbidAsync(context.HttpContext);

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;
}
