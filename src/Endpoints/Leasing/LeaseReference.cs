namespace Orchestration.Endpoints.Leasing;

/// <summary>What Leasing sends providers to tie a call to its lease.</summary>
public static class LeaseReference
{
    /// <summary>The <c>reference</c> the provider's webhooks carry back, so that the answer finds its lease.</summary>
    public static string Of(Guid leaseId) => $"lease-{leaseId:N}";

    /// <summary>One key per lease and step: a repeated step, under any message id, is the same request to the provider.</summary>
    public static string IdempotencyKey(Guid leaseId, string step) => $"lease-{leaseId:N}-{step}";
}
