using System.Collections.Concurrent;
using System.Text.Json;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// Things others do at the exact moment one of Billing's requests is on its way to the payment gateway: the tenant
/// paying just before Billing's cancellation arrives, the saga calling the lease off while the charge is in flight.
/// Sits in front of Billing's gateway client; a moment runs once, before the first request it matches, and the request
/// then goes on unchanged. Nothing is answered on the gateway's behalf.
/// </summary>
public sealed class GatewayMoments
{
    readonly ConcurrentDictionary<Moment, bool> _waiting = new();
    readonly ConcurrentDictionary<Aftermath, bool> _after = new();

    /// <summary>Runs <paramref name="action"/> before the first request that <paramref name="matches"/>.</summary>
    public void Before(Func<HttpRequestMessage, bool> matches, Func<CancellationToken, Task> action) => _waiting[new Moment(matches, action)] = true;

    /// <summary>
    /// Runs <paramref name="action"/> with the gateway's JSON answer to the first request that <paramref name="matches"/>,
    /// before Billing sees that answer.
    /// </summary>
    public void After(Func<HttpRequestMessage, bool> matches, Func<JsonElement, CancellationToken, Task> action) =>
        _after[new Aftermath(matches, action)] = true;

    public DelegatingHandler Handler() => new MomentHandler(this);

    sealed record Moment(Func<HttpRequestMessage, bool> Matches, Func<CancellationToken, Task> Action);

    sealed record Aftermath(Func<HttpRequestMessage, bool> Matches, Func<JsonElement, CancellationToken, Task> Action);

    sealed class MomentHandler(GatewayMoments moments) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var moment in moments._waiting.Keys.Where(m => m.Matches(request)).ToList())
            {
                if (moments._waiting.TryRemove(moment, out _))
                    await moment.Action(cancellationToken);
            }

            var after = moments._after.Keys.Where(m => m.Matches(request)).ToList();
            var response = await base.SendAsync(request, cancellationToken);
            foreach (var moment in after)
            {
                if (moments._after.TryRemove(moment, out _))
                {
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    await moment.Action(answer.RootElement.Clone(), cancellationToken);
                }
            }

            return response;
        }
    }
}
