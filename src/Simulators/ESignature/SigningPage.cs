using System.Net;

namespace Orchestration.Simulators.ESignature;

/// <summary>
/// What the tenant sees behind the signing URL: the document's name and Sign / Decline buttons. Only the token in
/// the signing URL opens it, as with a real provider's emailed link.
/// </summary>
internal static class SigningPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sign/{id}", (EnvelopeDesk desk, string id, string? token) =>
        {
            var envelope = desk.FindForSigner(id, token);
            return envelope is null ? Results.NotFound() : Results.Content(Render(envelope, token!), "text/html; charset=utf-8");
        });

        // A form post, so that following the link (mail scanners prefetch links) never signs by itself.
        app.MapPost("/sign/{id}", async (EnvelopeDesk desk, HttpRequest request, string id, string? token) =>
        {
            if (desk.FindForSigner(id, token) is null)
                return Results.NotFound();
            var form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
            var response = form?["action"].ToString() == "decline" ? desk.Decline(id, reason: null) : desk.Sign(id);
            return response.StatusCode == StatusCodes.Status200OK
                ? Results.Redirect($"/sign/{Uri.EscapeDataString(id)}?token={Uri.EscapeDataString(token!)}")
                : response;
        });
    }

    static string Render(EnvelopeResource envelope, string token)
    {
        var document = WebUtility.HtmlEncode(envelope.Document.Name);
        var signer = WebUtility.HtmlEncode(envelope.Signer.Name);
        var action = $"/sign/{Uri.EscapeDataString(envelope.Id)}?token={Uri.EscapeDataString(token)}";
        var buttons = envelope.Status == EnvelopeStatus.Sent
            ? $"""
              <form method="post" action="{action}">
                <button name="action" value="sign">Sign</button>
                <button name="action" value="decline">Decline</button>
              </form>
              """
            : $"<p>This envelope is <strong>{envelope.Status}</strong>.</p>";
        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Sign {document}</title></head>
            <body>
              <h1>{document}</h1>
              <p>{signer}, please review and sign.</p>
              {buttons}
            </body>
            </html>
            """;
    }
}
