using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Keeps a property's or a lease's late-fee policy for the charges rent runs post from now on.</summary>
public sealed class SetLateFeePolicyConsumer(SqlSession session, RentStore rent, ILogger<SetLateFeePolicyConsumer> logger) : IConsumer<SetLateFeePolicy>
{
    public async Task Consume(ConsumeContext<SetLateFeePolicy> context)
    {
        var setting = context.Message;
        if (setting.Scope == LateFeeScope.Company || setting.Policy.FieldProblems().Any())
            throw new InvalidLateFeePolicyException(setting.Scope, setting.ScopeId);

        await rent.SetLateFeePolicyAsync(session, setting, context.CancellationToken);
        logger.LogInformation("Late-fee policy of {Scope} {ScopeId} set from {EffectiveFrom}", setting.Scope, setting.ScopeId, setting.EffectiveFrom);
    }
}

/// <summary>A late-fee policy Billing cannot keep (the company's is configuration; or the policy itself is invalid); no retry can help.</summary>
public sealed class InvalidLateFeePolicyException(LateFeeScope scope, Guid scopeId)
    : Exception($"The late-fee policy for {scope} {scopeId} is not one Billing can apply.");
