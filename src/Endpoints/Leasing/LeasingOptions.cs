using Orchestration.Platform.Http;

namespace Orchestration.Endpoints.Leasing;

/// <summary>The providers Leasing calls (<c>Leasing:Screening</c>, <c>Leasing:ESignature</c>); the saga's own timeouts share the section.</summary>
public sealed class LeasingOptions : IValidatableOptions
{
    public const string Section = "Leasing";

    public ProviderOptions Screening { get; set; } = new() { BaseUrl = "http://127.0.0.1:5092" };

    public ESignatureOptions ESignature { get; set; } = new() { BaseUrl = "http://127.0.0.1:5091" };

    /// <summary>
    /// How long after its arrival a provider's event that matches no request on record is retried, because the request
    /// may still be committing; after it, the event is recorded as unmatched. Shorter than the delayed retries together.
    /// </summary>
    public TimeSpan ProviderEventGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Startup checks; a provider without a URL or key stops the endpoint before it takes a message.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var problem in Screening.Problems("Leasing:Screening"))
            yield return problem;
        foreach (var problem in ESignature.Problems("Leasing:ESignature"))
            yield return problem;
        if (string.IsNullOrWhiteSpace(ESignature.CountersignerName) || string.IsNullOrWhiteSpace(ESignature.CountersignerEmail))
            yield return "Leasing:ESignature:CountersignerName and CountersignerEmail (the landlord who countersigns) are required.";
        if (ProviderEventGrace < TimeSpan.Zero)
            yield return "Leasing:ProviderEventGrace must not be negative.";
    }
}

public class ProviderOptions
{
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent as a bearer token. From the environment or a secret store; never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Retries, timeouts and circuit breaker of the calls to this provider (<c>…:Resilience</c>).</summary>
    public ProviderResilienceOptions Resilience { get; set; } = new();

    /// <summary>Where the provider posts its webhooks; none leaves it to the provider's account settings.</summary>
    public string? CallbackUrl { get; set; }

    public IEnumerable<string> Problems(string section)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
            yield return $"{section}:BaseUrl '{BaseUrl}' is not an absolute URL.";
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return $"{section}:ApiKey is required (set it from the environment: {section.Replace(":", "__", StringComparison.Ordinal)}__ApiKey).";
        foreach (var problem in Resilience.Problems($"{section}:Resilience"))
            yield return problem;
    }
}

public sealed class ESignatureOptions : ProviderOptions
{
    public string CountersignerName { get; set; } = "Property Management";

    public string CountersignerEmail { get; set; } = "leasing@orchestration.localhost";
}
