using MassTransit;

namespace Orchestration.Platform.Recoverability;

public static class Recoverability
{
    /// <summary>
    /// Applies the policy to a receive endpoint. Delayed retries wrap immediate retries, and immediate retries run on the
    /// first delivery only, so a message that always fails is attempted 1 + immediate + delayed times in all.
    /// </summary>
    public static void UseRecoverability(this IReceiveEndpointConfigurator endpoint, RecoverabilityOptions options,
        UnrecoverableExceptions unrecoverable)
    {
        var delays = options.DelayedRetryIntervals();
        if (delays.Length > 0)
        {
            endpoint.UseScheduledRedelivery(r =>
            {
                r.Intervals(delays);
                r.Ignore<Exception>(unrecoverable.Matches);
            });
        }

        endpoint.UseMessageRetry(r =>
        {
            // MassTransit's immediate policy always grants the first retry, whatever its limit: zero must mean none.
            r.SetRetryPolicy(filter => new FirstDeliveryOnlyRetryPolicy(
                options.ImmediateRetries > 0 ? Retry.Immediate(filter, options.ImmediateRetries) : Retry.None));
            r.Ignore<Exception>(unrecoverable.Matches);
        });
    }

    /// <summary>
    /// The scheduler's policy. Delayed retries go through the scheduler itself, so a failing request is retried in
    /// process with growing pauses instead. An unavailable database is not such a failure: the consumers wait it out
    /// themselves, without limit (<see cref="Scheduling.SchedulerOutage"/>), and only what no retry can fix reaches the
    /// scheduler's error queue.
    /// </summary>
    public static void UseSchedulerRecoverability(this IReceiveEndpointConfigurator endpoint, UnrecoverableExceptions unrecoverable)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Exponential(20, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            r.Ignore<Exception>(unrecoverable.Matches);
        });
    }

    public static bool IsUnrecoverable(Exception exception, IReadOnlyCollection<Type> unrecoverable) =>
        unrecoverable.Any(type => type.IsInstanceOfType(exception)) ||
        (exception.InnerException is { } inner && IsUnrecoverable(inner, unrecoverable));
}
