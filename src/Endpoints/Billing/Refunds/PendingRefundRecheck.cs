using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>When Billing asks the gateway again about staff refunds it answered <c>pending</c> (<c>Billing:Refunds</c>).</summary>
public sealed class RefundOptions : IValidatableOptions
{
    public const string Section = "Billing:Refunds";

    /// <summary>How often the pending refunds are looked at.</summary>
    public TimeSpan PendingRecheckInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long a refund stays pending before Billing asks about it by itself: until then the gateway's
    /// <c>charge.refunded</c>, which reports the outcome, is expected to come first.
    /// </summary>
    public TimeSpan PendingRecheckAfter { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Problems()
    {
        // PeriodicTimer takes up to about 49 days.
        if (PendingRecheckInterval <= TimeSpan.Zero || PendingRecheckInterval > TimeSpan.FromDays(49))
            yield return $"{Section}:PendingRecheckInterval must be positive and at most 49 days.";
        if (PendingRecheckAfter < TimeSpan.Zero)
            yield return $"{Section}:PendingRecheckAfter must not be negative.";
    }
}

/// <summary>
/// Asks again about staff refunds the gateway answered <c>pending</c>. Their outcome normally comes with the gateway's
/// <c>charge.refunded</c>; a report that never arrives would leave the refund's amount reserved and its entry off the
/// ledger for good. So every <see cref="RefundOptions.PendingRecheckInterval"/> each part pending for longer than
/// <see cref="RefundOptions.PendingRecheckAfter"/> (counted from the staff request) gets a <see cref="SettleLeaseCreditRefund"/>, whose consumer asks the
/// gateway and records a settled outcome once; one still pending is asked again next time. Several instances may ask
/// about one part: the consumer drops what is already settled.
/// </summary>
public sealed class PendingRefundRecheck(IServiceScopeFactory scopes, IBus bus, BusStarted busStarted, IOptions<RefundOptions> options,
    TimeProvider time, ILogger<PendingRefundRecheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await busStarted.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.PendingRecheckInterval, time);
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(exception, "Asking again about pending credit refunds failed; it runs again in {Interval}",
                        options.Value.PendingRecheckInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends one settle command per part pending past the wait; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<CreditRefundPart> pending;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
            var credits = scope.ServiceProvider.GetRequiredService<LeaseCreditRefunds>();
            await session.BeginReadAsync(cancellationToken);
            pending = await credits.PendingSinceAsync(session, time.GetUtcNow() - options.Value.PendingRecheckAfter, cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        if (pending.Count == 0)
            return 0;

        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{CommandRoutes.RentPayments}"));
        foreach (var part in pending)
            await endpoint.Send(new SettleLeaseCreditRefund { RefundId = part.RefundId, LeaseId = part.LeaseId, PaymentIntentId = part.IntentId },
                cancellationToken);
        logger.LogInformation("Asked the gateway again about {Count} credit refund parts pending since before {Cutoff}", pending.Count,
            time.GetUtcNow() - options.Value.PendingRecheckAfter);
        return pending.Count;
    }
}
