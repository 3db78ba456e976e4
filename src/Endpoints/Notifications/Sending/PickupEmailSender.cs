using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// "Sends" by storing the email in the endpoint's <c>pickup</c> table, in the handler's own transaction: the standalone
/// default, where the query API shows what went out. Being in the transaction, it sends each email exactly once.
/// </summary>
public sealed class PickupEmailSender(SqlSession session, NotificationsStore store, TimeProvider time) : IEmailSender
{
    public string Name => EmailProviders.Pickup;

    public bool SendsWithCommit => true;

    public async Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        await store.StorePickupAsync(session, email, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return email.MessageId;
    }
}
