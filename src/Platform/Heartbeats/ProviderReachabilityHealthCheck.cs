using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestration.Platform.Heartbeats;

/// <summary>
/// A third-party provider is reachable: an HTTP GET of its configured address (<c>Heartbeats:Providers:&lt;name&gt;</c>) is
/// answered within the timeout with anything but a server error. What the provider says to an unauthenticated GET does
/// not matter; that it answers does.
/// </summary>
public sealed class ProviderReachabilityHealthCheck(string provider, Uri address, IHttpClientFactory http, TimeSpan timeout) : IHealthCheck
{
    public const string Client = "heartbeat-providers";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await http.CreateClient(Client).GetAsync(address, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            return (int)response.StatusCode < 500
                ? HealthCheckResult.Healthy($"{provider} answered {(int)response.StatusCode}")
                : HealthCheckResult.Unhealthy($"{provider} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy(exception is OperationCanceledException
                ? $"{provider} did not answer within {timeout.TotalSeconds:0.#} s"
                : $"{provider} is unreachable: {exception.Message}");
        }
    }
}
