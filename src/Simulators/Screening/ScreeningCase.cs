namespace Orchestration.Simulators.Screening;

/// <summary>One screening's mutable record; only <see cref="ScreeningBureau"/> touches it, under its lock.</summary>
internal sealed class ScreeningCase(string id, string applicantName, string applicantEmail, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public string ApplicantName { get; } = applicantName;
    public string ApplicantEmail { get; } = applicantEmail;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public string? Reference { get; init; }
    public Uri? CallbackUrl { get; init; }
    public ScreeningDecision? Decision { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public ScreeningResource ToResource() => new(
        Id,
        Decision is null ? "pending" : "completed",
        Reference,
        new ApplicantResource(ApplicantName, ApplicantEmail),
        Decision?.Outcome,
        Decision?.Reason,
        CreatedAt,
        CompletedAt);
}

internal sealed record ScreeningResource(
    string Id,
    string Status,
    string? Reference,
    ApplicantResource Applicant,
    string? Decision,
    ScreeningReason? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

internal sealed record ApplicantResource(string Name, string Email);
