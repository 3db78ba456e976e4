namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>The e-signature provider's envelopes: create (sent to the signer), countersign, void, read.</summary>
public sealed class ESignatureClient(HttpClient http, IOptions<LeasingOptions> options)
{
    const string Provider = "ESignature";

    public async Task<CreatedEnvelope> CreateEnvelopeAsync(string documentName, string documentText, string signerName, string signerEmail,
        string reference, string idempotencyKey, CancellationToken cancellationToken)
    {
        var settings = options.Value.ESignature;
        var body = new CreateEnvelope(
            new Document(documentName, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(documentText))),
            new Party(signerName, signerEmail),
            new Party(settings.CountersignerName, settings.CountersignerEmail),
            reference,
            settings.CallbackUrl);
        var envelope = await ProviderHttp.PostAsync<EnvelopeResource>(http, Provider, "v1/envelopes", body, idempotencyKey, cancellationToken);
        return new CreatedEnvelope(envelope.Id, envelope.SigningUrl ?? throw new ProviderUnavailableException(Provider, $"envelope {envelope.Id} has no signing URL"));
    }

    public Task CountersignAsync(string envelopeId, string idempotencyKey, CancellationToken cancellationToken) =>
        ProviderHttp.PostAsync<EnvelopeResource>(http, Provider, $"v1/envelopes/{Uri.EscapeDataString(envelopeId)}/countersign", null,
            idempotencyKey, cancellationToken);

    public Task VoidAsync(string envelopeId, string reason, string idempotencyKey, CancellationToken cancellationToken) =>
        ProviderHttp.PostAsync<EnvelopeResource>(http, Provider, $"v1/envelopes/{Uri.EscapeDataString(envelopeId)}/void",
            new VoidEnvelope(reason), idempotencyKey, cancellationToken);

    /// <summary>The envelope's status: <c>sent</c>, <c>signed</c>, <c>completed</c>, <c>declined</c> or <c>voided</c>.</summary>
    public async Task<string> StatusAsync(string envelopeId, CancellationToken cancellationToken) =>
        (await ProviderHttp.GetAsync<EnvelopeResource>(http, Provider, $"v1/envelopes/{Uri.EscapeDataString(envelopeId)}", cancellationToken)).Status;

    sealed record CreateEnvelope(Document Document, Party Signer, Party Countersigner, string Reference, string? CallbackUrl);

    sealed record Document(string Name, string ContentBase64);

    sealed record Party(string Name, string Email);

    sealed record VoidEnvelope(string Reason);

    sealed record EnvelopeResource(string Id, string Status, string? SigningUrl);
}

public sealed record CreatedEnvelope(string EnvelopeId, string SigningUrl);

public static class EnvelopeStatus
{
    public const string Completed = "completed";
    public const string Voided = "voided";
}
