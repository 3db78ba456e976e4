namespace Orchestration.Simulators.Screening;

internal sealed record CreateScreeningRequest(ApplicantRequest? Applicant, string? Reference, string? CallbackUrl)
{
    /// <summary>The screening to run, or the first thing wrong with the request.</summary>
    public (NewScreening? Screening, ProviderError? Error) Validate()
    {
        if (string.IsNullOrWhiteSpace(Applicant?.Name))
            return Invalid("applicant.name", "The applicant's name is required.");
        if (!EmailAddresses.IsValid(Applicant.Email))
            return Invalid("applicant.email", "The applicant's email address is required and must be valid.");

        Uri? callback = null;
        if (CallbackUrl is not null && (!Uri.TryCreate(CallbackUrl, UriKind.Absolute, out callback) || (callback.Scheme != Uri.UriSchemeHttp && callback.Scheme != Uri.UriSchemeHttps)))
            return Invalid("callbackUrl", "The callback URL must be an absolute http(s) URL.");

        return (new NewScreening(Applicant.Name, Applicant.Email!, Reference, callback), null);
    }

    static (NewScreening?, ProviderError?) Invalid(string field, string message) => (null, new ProviderError("validation_failed", message, field));
}

internal sealed record ApplicantRequest(string? Name, string? Email);
