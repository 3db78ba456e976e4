using MassTransit.Metadata;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// How each consumer's inbox row is claimed. By default first: an upsert that locks the row, so a concurrent copy of
/// the message waits and then skips. At commit (<see cref="InboxClaimAtCommit"/>): that round trip is saved, and a copy
/// that lost the race simply rolls back, so it suits handlers whose only effects are in the transaction: sagas, which
/// are pure. Around calls (<see cref="ThirdPartyCaller"/>): for consumers that call a provider, which must not hold a
/// lock while it answers (on SQLite the one write lock of the database). The inbox is only read first; the consumer
/// runs with no transaction open, claims what it is about to do in short committed steps of its own
/// (<see cref="SqlSession.StepAsync{T}"/>), and its results, the inbox row and its messages are written together at
/// commit, where a copy that lost the race rolls back. Such a consumer keeps duplicates from repeating a provider call
/// by its own claims, and by the idempotency key every call it makes carries.
/// </summary>
public sealed class InboxClaimPolicy(IEnumerable<InboxClaimAtCommit> atCommit, IEnumerable<ThirdPartyCaller> callers)
{
    readonly HashSet<string> _atCommit = atCommit.Select(c => c.ConsumerType).ToHashSet(StringComparer.Ordinal);
    readonly HashSet<string> _callers = callers.Select(c => c.ConsumerType).ToHashSet(StringComparer.Ordinal);

    public bool ClaimsAtCommit(string? consumerType) => consumerType is not null && _atCommit.Contains(consumerType);

    public bool CallsThirdParties(string? consumerType) => consumerType is not null && _callers.Contains(consumerType);
}

/// <summary>Registers a consumer (by MassTransit's short type name, as in <c>OutboxConsumeOptions.ConsumerType</c>) for claim-at-commit.</summary>
public sealed record InboxClaimAtCommit(string ConsumerType)
{
    public static InboxClaimAtCommit For<TConsumer>() => new(TypeMetadataCache<TConsumer>.ShortName);
}

/// <summary>Registers a consumer that calls third parties (by MassTransit's short type name), to run with no transaction open.</summary>
public sealed record ThirdPartyCaller(string ConsumerType)
{
    public static ThirdPartyCaller For<TConsumer>() => new(TypeMetadataCache<TConsumer>.ShortName);
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

    /// <summary>
    /// Runs <typeparamref name="TConsumer"/> with no transaction open while it calls third parties (see
    /// <see cref="InboxClaimPolicy"/>): its reads and claims go through <see cref="SqlSession.StepAsync{T}"/>, its other
    /// writes through <see cref="SqlSession.Defer"/>.
    /// </summary>
    public static IServiceCollection CallsThirdParties<TConsumer>(this IServiceCollection services)
        where TConsumer : class
    {
        services.AddSingleton(ThirdPartyCaller.For<TConsumer>());
        return services;
    }
}
