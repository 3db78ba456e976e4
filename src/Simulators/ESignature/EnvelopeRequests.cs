namespace Orchestration.Simulators.ESignature;

internal sealed record CreateEnvelopeRequest(
    DocumentRequest? Document, PartyRequest? Signer, PartyRequest? Countersigner, string? Reference, string? CallbackUrl, Dictionary<string, string>? Metadata)
{
    /// <summary>The envelope to send, or the first thing wrong with the request.</summary>
    public (NewEnvelope? Envelope, ProviderError? Error) Validate()
    {
        if (string.IsNullOrWhiteSpace(Document?.Name))
            return Invalid("document.name", "A document with a name is required.");

        byte[] content;
        try
        {
            content = Convert.FromBase64String(Document.ContentBase64 ?? "");
        }
        catch (FormatException)
        {
            return Invalid("document.contentBase64", "The document content must be base64.");
        }

        if (Party(Signer) is not { } signer)
            return Invalid(Signer?.Name is { Length: > 0 } ? "signer.email" : "signer.name", "A signer with a name and a valid email address is required.");
        if (Party(Countersigner) is not { } countersigner)
            return Invalid(Countersigner?.Name is { Length: > 0 } ? "countersigner.email" : "countersigner.name", "A countersigner (the landlord) with a name and a valid email address is required.");

        Uri? callback = null;
        if (CallbackUrl is not null && (!Uri.TryCreate(CallbackUrl, UriKind.Absolute, out callback) || (callback.Scheme != Uri.UriSchemeHttp && callback.Scheme != Uri.UriSchemeHttps)))
            return Invalid("callbackUrl", "The callback URL must be an absolute http(s) URL.");

        return (new NewEnvelope(Document.Name, content, signer, countersigner, Reference, callback, Metadata ?? []), null);
    }

    static Party? Party(PartyRequest? party) =>
        party is { Name: { Length: > 0 } name, Email: var email } && EmailAddresses.IsValid(email) ? new Party(name, email!) : null;

    static (NewEnvelope?, ProviderError?) Invalid(string field, string message) => (null, new ProviderError("validation_failed", message, field));
}

internal sealed record DocumentRequest(string? Name, string? ContentBase64);

internal sealed record PartyRequest(string? Name, string? Email);

internal sealed record ReasonRequest(string? Reason);
