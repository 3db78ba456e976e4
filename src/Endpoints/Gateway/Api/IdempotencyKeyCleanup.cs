namespace Orchestration.Endpoints.Gateway.Api;

public sealed class GatewayApiOptions
{
    public const string Section = "Gateway:Api";

    /// <summary>How long an <c>Idempotency-Key</c> answers a retry with the lease it created; after that it is forgotten.</summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Forgets idempotency keys past their retention, once an hour.</summary>
sealed class IdempotencyKeyCleanup(IServiceScopeFactory scopes, IdempotencyKeys keys, IOptions<GatewayApiOptions> options, TimeProvider time,
    ILogger<IdempotencyKeyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
                await session.BeginAsync(stoppingToken);
                var forgotten = await keys.ForgetAsync(session, time.GetUtcNow() - options.Value.IdempotencyKeyRetention, stoppingToken);
                await session.CommitAsync(stoppingToken);
                if (forgotten > 0)
                    logger.LogInformation("Forgot {Count} idempotency keys older than {Retention}", forgotten, options.Value.IdempotencyKeyRetention);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next hour tries again; a key kept longer only answers a late retry.
                logger.LogWarning(exception, "Could not forget old idempotency keys");
            }
        }
    }
}
