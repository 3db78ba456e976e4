namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Cross-site request forgery defence for the portal cookie. A request under <c>/api</c> that changes something (POST,
/// PUT, PATCH, DELETE) and is signed in by the cookie must carry a non-empty <c>X-Requested-With</c> header (the portal
/// sends <c>XMLHttpRequest</c>); without it the answer is 403 with a problem body. A page on another site can make a
/// browser send the cookie, but not a custom header: that needs a CORS preflight, and the Gateway allows no cross-origin
/// requests. The cookie is also <c>SameSite=Lax</c>, so browsers do not attach it to cross-site POSTs in the first place.
/// Requests with a bearer token are exempt: a browser never adds that header on its own. Sign-in itself needs no header:
/// its body must be JSON (<c>application/json</c>), which a cross-site form cannot send.
/// </summary>
public sealed class CsrfProtection(RequestDelegate next)
{
    public const string HeaderName = "X-Requested-With";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsUnsafe(request.Method)
            && request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && context.User.AuthenticatedBy() == StaffAuthentication.ByCookie
            && string.IsNullOrWhiteSpace(request.Headers[HeaderName]))
        {
            return StaffAuthentication.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Missing anti-forgery header",
                $"Requests made with the portal's sign-in cookie that change something must carry the {HeaderName} header.");
        }

        return next(context);
    }

    static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
}
