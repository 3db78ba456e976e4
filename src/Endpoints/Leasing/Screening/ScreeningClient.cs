namespace Orchestration.Endpoints.Leasing.Screening;

/// <summary>The tenant-screening provider: <c>POST /v1/screenings</c> answers 202 pending; the decision arrives by webhook.</summary>
public sealed class ScreeningClient(HttpClient http, IOptions<LeasingOptions> options)
{
    const string Provider = "Screening";

    /// <summary>Starts a screening and returns the provider's id for it; the same key always answers with the same screening.</summary>
    public async Task<string> RequestAsync(string applicantName, string applicantEmail, string reference, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        var body = new CreateScreening(new Applicant(applicantName, applicantEmail), reference, options.Value.Screening.CallbackUrl);
        var screening = await ProviderHttp.PostAsync<ScreeningResource>(http, Provider, "v1/screenings", body, idempotencyKey, cancellationToken);
        return screening.Id;
    }

    sealed record CreateScreening(Applicant Applicant, string Reference, string? CallbackUrl);

    sealed record Applicant(string Name, string Email);

    sealed record ScreeningResource(string Id, string Status);
}
