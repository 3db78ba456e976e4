using MassTransit;

namespace Orchestration.Platform.Recoverability;

/// <summary>Immediate retries for a message's first delivery; a delayed redelivery is attempted once.</summary>
sealed class FirstDeliveryOnlyRetryPolicy(IRetryPolicy immediate) : IRetryPolicy
{
    public void Probe(ProbeContext context) => immediate.Probe(context);

    public RetryPolicyContext<T> CreatePolicyContext<T>(T context)
        where T : class, PipeContext =>
        context is ConsumeContext consume && consume.GetRedeliveryCount() > 0
            ? Retry.None.CreatePolicyContext(context)
            : immediate.CreatePolicyContext(context);

    public bool IsHandled(Exception exception) => immediate.IsHandled(exception);
}
