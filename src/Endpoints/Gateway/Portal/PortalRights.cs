using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Orchestration.Endpoints.Gateway.Portal;

/// <summary>
/// Whether the signed-in user passes one of the API's policies, for a page that shows an action (a selection column, a
/// button inside code) only to those the API would let use it. The API checks every request anyway.
/// </summary>
static class PortalRights
{
    public static async Task<bool> AllowsAsync(IAuthorizationService authorization, Task<AuthenticationState>? authentication, string policy) =>
        authentication is not null && (await authorization.AuthorizeAsync((await authentication).User, policy)).Succeeded;

    /// <summary>Whether the signed-in user has one of <paramref name="roles"/> (comma-separated, as a route that names roles lists them).</summary>
    public static async Task<bool> InRoleAsync(Task<AuthenticationState>? authentication, string roles) =>
        authentication is not null && roles.Split(',', StringSplitOptions.TrimEntries).Any((await authentication).User.IsInRole);
}
