using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>A policy set for a scope, in force from <see cref="EffectiveFrom"/> until the next setting for the same scope.</summary>
public sealed record LateFeePolicySetting(LateFeeScope Scope, Guid? ScopeId, DateTimeOffset EffectiveFrom, LateFeePolicy Policy);

/// <summary>
/// Every late-fee policy the company has set. The policy for a charge is the lease's own if one is in force, else its
/// property's, else the company's; "in force" is judged on the day the charge was posted, so a policy changed later
/// never changes the fees of a charge already posted.
/// </summary>
public sealed class LateFeePolicyBook(LateFeePolicy companyDefault, IEnumerable<LateFeePolicySetting> settings)
{
    readonly IReadOnlyList<LateFeePolicySetting> _settings = settings.OrderByDescending(s => s.EffectiveFrom).ToList();

    public LateFeePolicy InForce(Guid propertyId, Guid leaseId, DateTimeOffset postedAt) =>
        Latest(LateFeeScope.Lease, leaseId, postedAt)
        ?? Latest(LateFeeScope.Property, propertyId, postedAt)
        ?? Latest(LateFeeScope.Company, null, postedAt)
        ?? companyDefault;

    LateFeePolicy? Latest(LateFeeScope scope, Guid? scopeId, DateTimeOffset postedAt) =>
        _settings.FirstOrDefault(s => s.Scope == scope && s.ScopeId == scopeId && s.EffectiveFrom <= postedAt)?.Policy;
}
