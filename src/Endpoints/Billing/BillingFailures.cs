// What fails in Billing, by the names operators read in an error queue's MT-Fault-ExceptionType. Each exception keeps
// the namespace of the feature that throws it, so those names stay as they were; AddBillingServices declares which of
// them no retry can fix.
namespace Orchestration.Endpoints.Billing.Payments
{
    /// <summary>The gateway refused the request (a 4xx other than 402, 408 and 429): retrying the same request cannot help.</summary>
    public sealed class PaymentGatewayRejectedException(int status, string? code, string message)
        : Exception($"The payment gateway refused the request: {message}")
    {
        public int Status { get; } = status;

        /// <summary>The gateway's error code, such as <c>payment_intent_unexpected_state</c> or <c>idempotency_error</c>.</summary>
        public string? Code { get; } = code;
    }

    /// <summary>The amount cannot be charged as asked (mixed currencies, wrong precision); no retry can change that.</summary>
    public sealed class InvalidMoveInAmountException(string message) : Exception(message);

    /// <summary>The gateway did not answer usefully (5xx, timeout, connection failure); the recoverability policy retries.</summary>
    public sealed class PaymentGatewayUnavailableException(string message, Exception? inner = null)
        : Exception($"The payment gateway is unavailable: {message}", inner);

    /// <summary>The payment is still settling at the gateway; whether it must be refunded is known only once it settles.</summary>
    public sealed class MoveInPaymentSettlingException(string paymentIntentId, Guid leaseId)
        : Exception($"Payment {paymentIntentId} of lease {leaseId} is still processing; the refund waits until it settles.");

    /// <summary>
    /// The gateway reports the payment in a state it could not be cancelled from, neither paid nor processing; the
    /// recoverability policy tries the cancellation again.
    /// </summary>
    public sealed class MoveInPaymentNotCancelledException(string paymentIntentId, Guid leaseId, string status)
        : Exception(
            $"Payment {paymentIntentId} of lease {leaseId} is {status} and could not be cancelled yet; the cancellation is tried again.");

    /// <summary>
    /// The gateway reports on an intent created for one of our requests before that request has recorded it (its
    /// transaction failed after the gateway answered, and its redelivery will record it); the recoverability policy
    /// tries the event again later.
    /// </summary>
    public sealed class MoveInPaymentNotRecordedException(string paymentIntentId, string moveInRequest)
        : Exception($"Payment intent {paymentIntentId} names move-in request {moveInRequest}, which has not recorded it yet; the event is tried again.");
}

namespace Orchestration.Endpoints.Billing.VendorBills
{
    /// <summary>A vendor bill that cannot be recorded as sent (no currency, a negative amount, another bill for the work order): no retry can help.</summary>
    public sealed class InvalidVendorBillException(string message) : Exception(message);
}
