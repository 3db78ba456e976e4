using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestration.Platform.Hosting;

/// <summary>Ready only while the endpoint's database answers: without it no message can be handled.</summary>
sealed class StorageHealthCheck(SqlStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await storage.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{storage.Dialect.Name} schema '{storage.Schema}' reachable");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.Dialect.Name} unreachable", exception);
        }
    }
}
