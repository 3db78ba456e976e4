namespace Orchestration.Messages.Billing;

/// <summary>
/// Asks Billing to apply <see cref="Policy"/> to the late fees of a property's or a lease's charges posted from
/// <see cref="EffectiveFrom"/> on (a lease's own policy wins over its property's, which wins over the company's). A
/// charge already posted keeps the policy it was posted under. <see cref="SettingId"/> makes a repeated command change
/// nothing.
/// </summary>
public sealed record SetLateFeePolicy
{
    public required Guid SettingId { get; init; }
    public required LateFeeScope Scope { get; init; }
    public required Guid ScopeId { get; init; }
    public required LateFeePolicy Policy { get; init; }
    public required DateTimeOffset EffectiveFrom { get; init; }
}
