namespace Orchestration.EndToEnd.Tests;

public sealed record ActiveLease(Guid LeaseId, string ApplicantName, string ApplicantEmail, JsonElement Lease);
