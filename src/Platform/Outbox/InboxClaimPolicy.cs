using MassTransit.Metadata;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Which consumers may claim a message's inbox row at commit instead of before handling it. Claiming first (an upsert
/// that locks the row) makes a concurrent copy of the message wait and then skip; claiming at commit saves that round
/// trip, and a copy that lost the race simply rolls back, so it suits handlers whose only effects are in the
/// transaction: sagas, which are pure. Handlers that call third parties claim first, so a duplicate never repeats the call.
/// </summary>
public sealed class InboxClaimPolicy(IEnumerable<InboxClaimAtCommit> consumers)
{
    readonly HashSet<string> _atCommit = consumers.Select(c => c.ConsumerType).ToHashSet(StringComparer.Ordinal);

    public bool ClaimsAtCommit(string? consumerType) => consumerType is not null && _atCommit.Contains(consumerType);
}

/// <summary>Registers a consumer (by MassTransit's short type name, as in <c>OutboxConsumeOptions.ConsumerType</c>) for claim-at-commit.</summary>
public sealed record InboxClaimAtCommit(string ConsumerType)
{
    public static InboxClaimAtCommit For<TConsumer>() => new(TypeMetadataCache<TConsumer>.ShortName);
}

/// <summary>
/// On the consume context while a message is handled: whether this pass claims its inbox row at commit. Such a pass
/// must take no row lock while it handles: a redelivered copy of the same message may hold the inbox row and wait for
/// that very lock, while this pass would wait for the inbox row at commit, and the two would deadlock.
/// </summary>
public sealed class InboxClaimPass
{
    public bool AtCommit { get; internal set; }
}

public static class InboxClaimRegistration
{
    /// <summary>
    /// Lets <typeparamref name="TConsumer"/> claim each first delivery's inbox row at commit (see <see cref="InboxClaimPolicy"/>).
    /// Only for consumers whose every effect is in the handler's transaction; sagas stored with <c>SqlRepository()</c> do it already.
    /// </summary>
    public static IServiceCollection ClaimInboxAtCommit<TConsumer>(this IServiceCollection services)
        where TConsumer : class
    {
        services.AddSingleton(InboxClaimAtCommit.For<TConsumer>());
        return services;
    }
}
