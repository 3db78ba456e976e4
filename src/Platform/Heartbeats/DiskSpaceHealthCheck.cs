using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestration.Platform.Heartbeats;

/// <summary>Unhealthy when the drive the process runs from has less free space than <see cref="HeartbeatOptions.MinimumFreeDiskMegabytes"/>.</summary>
sealed class DiskSpaceHealthCheck(IOptions<HeartbeatOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var drive = new DriveInfo(AppContext.BaseDirectory);
        var freeMegabytes = drive.AvailableFreeSpace / (1024 * 1024);
        var minimum = options.Value.MinimumFreeDiskMegabytes;
        return Task.FromResult(freeMegabytes >= minimum
            ? HealthCheckResult.Healthy($"{freeMegabytes} MB free on {drive.Name}")
            : HealthCheckResult.Unhealthy($"{freeMegabytes} MB free on {drive.Name}, below {minimum} MB"));
    }
}
