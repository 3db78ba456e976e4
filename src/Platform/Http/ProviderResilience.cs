using Microsoft.Extensions.Http.Resilience;

namespace Orchestration.Platform.Http;

/// <summary>
/// Retries, timeouts and circuit breaking of one outbound provider client, from the provider's <c>Resilience</c>
/// section. A retry after a timeout or a 5xx may reach a provider that already acted: requests that carry an
/// idempotency key (or an event id the receiver deduplicates by) are safe; SendGrid takes neither, so an email retried
/// this way may arrive twice, recognisable by its <c>dedup_key</c> and <c>Message-ID</c>.
/// </summary>
public sealed class ProviderResilienceOptions
{
    /// <summary>Calls per request, the first included, before the failure goes back to the endpoint's recoverability policy.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first backoff; each further one doubles, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest wait between two calls. A <c>Retry-After</c> longer than this is not waited out within the handling
    /// of one message: the call fails at once and the delayed retries of the recoverability policy take over.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for one call.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for all calls of one request, waits included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Problems(string section)
    {
        if (MaxAttempts < 1)
            yield return $"{section}:MaxAttempts must be at least 1.";
        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
            yield return $"{section}:BaseDelay must not be negative, nor longer than MaxDelay.";
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10))
            yield return $"{section}:AttemptTimeout must be at least 10 ms.";
        if (TotalTimeout <= AttemptTimeout)
            yield return $"{section}:TotalTimeout must be longer than AttemptTimeout.";
    }
}

public static class ProviderResilience
{
    /// <summary>
    /// The standard resilience handler of Microsoft.Extensions.Http.Resilience on a provider's client: a 408, 429, 5xx,
    /// dropped connection or attempt timeout is retried with exponential backoff and jitter, honouring the provider's
    /// <c>Retry-After</c>; a total timeout bounds the whole; a circuit breaker stops calling a provider that keeps
    /// failing. What is left after the last attempt is the caller's to report, as any failed call.
    /// </summary>
    /// <param name="section">
    /// The <c>Resilience</c> section of the provider's settings, read as it is: the endpoint's options, which hold it too,
    /// report its problems at start-up, once.
    /// </param>
    public static IHttpClientBuilder AddProviderResilience(this IHttpClientBuilder http, IConfigurationSection section)
    {
        // The handler's total timeout bounds every call; the client's own must not cut in first.
        http.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        http.AddStandardResilienceHandler().Configure((options, services) =>
        {
            var resilience = section.Get<ProviderResilienceOptions>() ?? new ProviderResilienceOptions();
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

            options.Retry.MaxRetryAttempts = Math.Max(1, resilience.MaxAttempts - 1);
            options.Retry.Delay = resilience.BaseDelay;
            options.Retry.MaxDelay = resilience.MaxDelay;
            options.Retry.ShouldHandle = arguments => ValueTask.FromResult(
                resilience.MaxAttempts > 1
                && HttpClientResiliencePredicates.IsTransient(arguments.Outcome)
                && !(arguments.Outcome.Result is { } response && RetryAfter(response, time) > resilience.MaxDelay));

            options.AttemptTimeout.Timeout = resilience.AttemptTimeout;
            options.TotalRequestTimeout.Timeout = resilience.TotalTimeout;
            // The breaker's window must hold at least two attempts to judge them.
            var window = 2 * resilience.AttemptTimeout;
            if (options.CircuitBreaker.SamplingDuration < window)
                options.CircuitBreaker.SamplingDuration = window;
        });
        return http;
    }

    /// <summary>How long the provider asked to wait before the next call, if it said.</summary>
    static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
