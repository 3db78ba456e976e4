// What fails in Leasing, by the names operators read in an error queue's MT-Fault-ExceptionType. Each exception keeps
// the namespace of the feature that throws it, so those names stay as they were; AddLeasingServices declares which of
// them no retry can fix.
namespace Orchestration.Endpoints.Leasing.Providers
{
    /// <summary>The provider refused the request (a 4xx other than 408/429): retrying the same request cannot help.</summary>
    public sealed class ProviderRejectedException(string provider, int status, string? code, string message)
        : Exception($"{provider} refused the request: {message}")
    {
        public string Provider { get; } = provider;
        public int Status { get; } = status;

        /// <summary>The provider's error code, such as <c>invalid_state</c> or <c>validation_failed</c>.</summary>
        public string? Code { get; } = code;
    }

    /// <summary>The provider did not answer usefully (5xx, timeout, connection failure); the recoverability policy retries.</summary>
    public sealed class ProviderUnavailableException(string provider, string message, Exception? inner = null)
        : Exception($"{provider} is unavailable: {message}", inner);
}

namespace Orchestration.Endpoints.Leasing.UnitHolds
{
    /// <summary>The unit is held by another lease; holding it again would let two applications compete for one unit.</summary>
    public sealed class UnitAlreadyHeldException(Guid unitId, Guid leaseId, Guid heldBy)
        : Exception($"Unit {unitId} cannot be held for lease {leaseId}: lease {heldBy} holds it.")
    {
        public Guid HeldBy { get; } = heldBy;
    }
}

namespace Orchestration.Endpoints.Leasing.ESignature
{
    /// <summary>The document named by the command was never prepared here: the command is wrong, and no retry will find it.</summary>
    public sealed class LeaseDocumentMissingException(Guid leaseId, Guid documentId)
        : Exception($"Lease {leaseId} asks for signature of document {documentId}, which was never prepared.");

    /// <summary>The lease has no envelope to countersign: the command came without one and none was ever created here.</summary>
    public sealed class EnvelopeMissingException(Guid leaseId) : Exception($"Lease {leaseId} has no envelope to countersign.");
}

namespace Orchestration.Endpoints.Leasing.ProviderEvents
{
    /// <summary>
    /// A provider's event for a lease with no matching request on record yet, within the grace period: the request may
    /// still be committing, so the recoverability policy retries until it is on record or the grace period is over.
    /// </summary>
    public sealed class ProviderEventNotPlacedYetException(string provider, string eventId, Guid leaseId)
        : Exception($"The {provider} event {eventId} for lease {leaseId} names a request not on record yet; retrying.");
}
