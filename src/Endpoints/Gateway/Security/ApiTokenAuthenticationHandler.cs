using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// <c>Authorization: Bearer orc_…</c>: the staff member who owns the token, with the token's roles that the owner still
/// holds. A refused token gets 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> and a problem body.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenStore tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var check = await tokens.CheckAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (check is { Refusal: null, Token: { } token, Owner: { } owner })
            return AuthenticateResult.Success(new AuthenticationTicket(StaffAuthentication.TokenPrincipal(owner, token, check.Roles), Scheme.Name));

        Logger.LogInformation("Refused API token {TokenId} of staff user {UserId}: {Refusal}", check.Token?.Id, check.Owner?.Id, check.Refusal);
        return AuthenticateResult.Fail("The API token is not valid.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        if (result.Failure is null)
        {
            await StaffAuthentication.ChallengeAsync(Context);
            return;
        }

        await StaffAuthentication.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, "Invalid API token",
            "The bearer token is unknown, revoked or expired, or its owner is disabled.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => StaffAuthentication.ForbidAsync(Context);
}
