namespace Orchestration.Simulators.ESignature;

internal static class EnvelopeStatus
{
    public const string Sent = "sent";
    public const string Signed = "signed";
    public const string Completed = "completed";
    public const string Declined = "declined";
    public const string Voided = "voided";
}

internal sealed record Party(string Name, string Email);

/// <summary>An envelope's mutable record; only <see cref="EnvelopeDesk"/> touches it, under its lock.</summary>
internal sealed class Envelope(string id, string documentName, string documentSha256, Party signer, Party countersigner, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public string DocumentName { get; } = documentName;
    public string DocumentSha256 { get; } = documentSha256;
    public Party Signer { get; } = signer;
    public Party Countersigner { get; } = countersigner;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public required string SigningToken { get; init; }
    public required Uri SigningUrl { get; init; }
    public string? Reference { get; init; }
    public Uri? CallbackUrl { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public string Status { get; set; } = EnvelopeStatus.Sent;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public DateTimeOffset? SignedAt { get; set; }
    public DateTimeOffset? CountersignedAt { get; set; }
    public string? DeclineReason { get; set; }
    public string? VoidReason { get; set; }

    public EnvelopeResource ToResource() => new(
        Id, Status, Reference,
        new DocumentResource(DocumentName, DocumentSha256),
        new PartyResource(Signer.Name, Signer.Email, SignedAt),
        new PartyResource(Countersigner.Name, Countersigner.Email, CountersignedAt),
        SigningUrl, CreatedAt, UpdatedAt, DeclineReason, VoidReason, Metadata);
}

internal sealed record EnvelopeResource(
    string Id,
    string Status,
    string? Reference,
    DocumentResource Document,
    PartyResource Signer,
    PartyResource Countersigner,
    Uri SigningUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? DeclineReason,
    string? VoidReason,
    IReadOnlyDictionary<string, string> Metadata);

internal sealed record DocumentResource(string Name, string Sha256);

internal sealed record PartyResource(string Name, string Email, DateTimeOffset? SignedAt);
