using Microsoft.Extensions.Hosting;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Heartbeats;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Outbox;

namespace Orchestration.Platform.SagaAudit;

/// <summary>
/// Ships the recorded saga steps as <see cref="SagaStepsRecorded"/> events, in batches, through the bus outbox: the rows
/// are removed in the transaction that stores the event, so a step is handed on once and never lost. Shipping is off the
/// saga's path: a step pays for one more row in its own transaction, not for a broker message.
/// </summary>
public sealed class SagaAuditShipper(
    IServiceScopeFactory scopes, BusStarted busStarted, IOptions<SagaAuditOptions> options, EndpointIdentity endpoint, TimeProvider time,
    ILogger<SagaAuditShipper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await busStarted.WaitAsync(stoppingToken);
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await ShipOnceAsync(stoppingToken) == options.Value.BatchSize) { }
                    failures = 0;
                    await Task.Delay(options.Value.ShipInterval, time, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    logger.LogWarning(exception, "Shipping saga audit steps failed ({Failures} in a row); they stay stored and are tried again", failures);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Ships one batch; returns how many steps it held.</summary>
    public async Task<int> ShipOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var store = scope.ServiceProvider.GetRequiredService<SagaAuditStore>();
        await session.BeginAsync(cancellationToken);
        try
        {
            var steps = await store.TakeAsync(session, options.Value.BatchSize, cancellationToken);
            if (steps.Count > 0)
                await scope.ServiceProvider.GetRequiredService<BusOutbox>()
                    .Publish(new SagaStepsRecorded { Endpoint = endpoint.Endpoint, Steps = steps }, cancellationToken);
            await session.CommitAsync(cancellationToken);
            return steps.Count;
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}
