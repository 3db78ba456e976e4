namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>How long the Gateway keeps the saga audit (section <c>SagaAudit</c>, which also holds each endpoint's <c>Enabled</c>).</summary>
public sealed class SagaAuditRetentionOptions
{
    public const string Section = "SagaAudit";

    /// <summary>Days a saga step is kept after it happened.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>How often steps past their retention are removed.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Removes the saga steps older than <see cref="SagaAuditRetentionOptions.RetentionDays"/>.</summary>
sealed class SagaAuditCleanup(IServiceScopeFactory scopes, SagaAuditReadModel audit, IOptions<SagaAuditRetentionOptions> options, TimeProvider time,
    ILogger<SagaAuditCleanup> logger)
    : RetentionCleanup(time, logger, "saga audit steps", options.Value.CleanupInterval, TimeSpan.FromDays(options.Value.RetentionDays),
        async (cutoff, cancellationToken) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
            await session.BeginAsync(cancellationToken);
            var removed = await audit.RemoveOlderThanAsync(session, cutoff, cancellationToken);
            await session.CommitAsync(cancellationToken);
            return removed;
        });
