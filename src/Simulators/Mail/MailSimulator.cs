namespace Orchestration.Simulators.Mail;

/// <summary>
/// A SendGrid v3 Mail Send API: bearer key, SendGrid's validation and error body, 202 with <c>X-Message-Id</c>, its Email
/// Activity search (<see cref="EmailActivityApi"/>), and
/// test controls to throttle (429), inject server errors, and read what was accepted.
/// </summary>
internal static class MailSimulator
{
    public const string Name = "Mail";

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<MailFaults>();
        services.AddSingleton<Mailbox>();
    }

    public static void Map(WebApplication app)
    {
        app.MapPost("/v3/mail/send", MailSendApi.Send);
        app.MapGet("/v3/messages", EmailActivityApi.Search);

        var controls = app.MapGroup("/_sim/mail");
        controls.MapGet("/messages", (Mailbox mailbox, string? to) => Results.Json(mailbox.Messages(to), SimulatorJson.CamelCase));
        controls.MapDelete("/messages", (Mailbox mailbox) =>
        {
            mailbox.Clear();
            return Results.NoContent();
        });
        controls.MapPost("/throttle", (MailFaults faults, MailSimulatorOptions options, int count, int? retryAfterSeconds) =>
        {
            if (count < 0 || retryAfterSeconds < 0)
                return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError("count and retryAfterSeconds cannot be negative."));
            faults.Throttle(count, retryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.RetryAfter);
            return Results.Json(new { throttled = count }, SimulatorJson.CamelCase);
        });
        controls.MapPost("/fail", (MailFaults faults, int count, int? status) =>
        {
            var statusCode = status ?? StatusCodes.Status500InternalServerError;
            if (count < 0 || statusCode is < 500 or > 599)
                return SendGridError.Response(StatusCodes.Status400BadRequest, new SendGridError("count cannot be negative and status is a 5xx code."));
            faults.Fail(count, statusCode);
            return Results.Json(new { failing = count, status = statusCode }, SimulatorJson.CamelCase);
        });
    }
}
