namespace Orchestration.Simulators.Payments;

// The gateway's mutable records; only PaymentGateway touches them, under its lock, and hands out resource snapshots.

internal static class PaymentIntentStatus
{
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string RequiresConfirmation = "requires_confirmation";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Canceled = "canceled";

    /// <summary>
    /// The states Stripe lets a client cancel from. Stripe also allows requires_action and requires_capture, which this
    /// simulator never enters (no 3-D Secure, automatic capture only), and processing for a few bank debits, which it
    /// treats as not cancellable.
    /// </summary>
    public static bool IsCancellable(string status) => status is RequiresPaymentMethod or RequiresConfirmation;
}

internal sealed class PaymentIntent(string id, long amount, string currency, IReadOnlyDictionary<string, string> metadata, DateTimeOffset created)
{
    public string Id { get; } = id;
    public long Amount { get; } = amount;
    public string Currency { get; } = currency;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;
    public DateTimeOffset Created { get; } = created;
    public string ClientSecret { get; } = $"{id}_secret_{Guid.NewGuid():N}";
    public string? Customer { get; init; }
    public string? Description { get; init; }
    public string? PaymentMethod { get; set; }

    /// <summary>The latest confirmation came from the payer on the hosted page, with a card they chose.</summary>
    public bool ChosenByPayer { get; set; }

    /// <summary>The decline a test's <see cref="PaymentRules"/> chose for the latest confirmation, whatever the amount.</summary>
    public PaymentFailure? ArrangedFailure { get; set; }

    public string Status { get; set; } = PaymentIntentStatus.RequiresPaymentMethod;
    public PaymentFailure? LastFailure { get; set; }
    public Charge? LatestCharge { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    public string? CancellationReason { get; set; }

    public PaymentIntentResource ToResource() => new(
        Id, Amount,
        AmountCapturable: 0,
        AmountReceived: Status == PaymentIntentStatus.Succeeded ? Amount : 0,
        CanceledAt?.ToUnixTimeSeconds(),
        CancellationReason,
        CaptureMethod: "automatic",
        ClientSecret,
        ConfirmationMethod: "automatic",
        Created.ToUnixTimeSeconds(),
        Currency, Customer, Description,
        LastFailure is null ? null : new PaymentErrorResource("card_error", LastFailure.Code, LastFailure.DeclineCode, LastFailure.Message,
            LatestCharge?.Id, $"https://stripe.com/docs/error-codes/{LastFailure.Code.Replace('_', '-')}"),
        LatestCharge?.Id,
        Livemode: false,
        Metadata, PaymentMethod, ["card"], Status);
}

internal sealed class Charge(string id, PaymentIntent intent, PaymentFailure? failure, DateTimeOffset created)
{
    public string Id { get; } = id;
    public PaymentIntent Intent { get; } = intent;
    public PaymentFailure? Failure { get; } = failure;
    public DateTimeOffset Created { get; } = created;
    public long AmountRefunded { get; set; }
    public bool Paid => Failure is null;
    public long Refundable => Paid ? Intent.Amount - AmountRefunded : 0;

    public ChargeResource ToResource() => new(
        Id, Intent.Amount,
        AmountCaptured: Paid ? Intent.Amount : 0,
        AmountRefunded,
        Captured: Paid,
        Created.ToUnixTimeSeconds(),
        Intent.Currency,
        Failure?.Code, Failure?.Message,
        Livemode: false,
        Intent.Metadata, Paid, Intent.Id, Intent.PaymentMethod,
        Refunded: Paid && AmountRefunded == Intent.Amount,
        Paid ? "succeeded" : "failed");
}

/// <summary>A refund; <see cref="Status"/> is <c>succeeded</c>, or <c>pending</c> until it settles as <c>succeeded</c> or <c>failed</c>.</summary>
internal sealed record Refund(string Id, long Amount, Charge Charge, string? Reason, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset Created,
    string Status = "succeeded")
{
    public RefundResource ToResource() => new(
        Id, Amount, Charge.Id, Created.ToUnixTimeSeconds(), Charge.Intent.Currency, Metadata, Charge.Intent.Id, Reason, Status);
}

internal sealed class Dispute(string id, Charge charge, DateTimeOffset created)
{
    public string Id { get; } = id;
    public Charge Charge { get; } = charge;
    public DateTimeOffset Created { get; } = created;
    public string Status { get; set; } = "needs_response";

    public DisputeResource ToResource() => new(
        Id, Charge.Intent.Amount, Charge.Id, Created.ToUnixTimeSeconds(), Charge.Intent.Currency, IsChargeRefundable: false, Livemode: false,
        new Dictionary<string, string>(), Charge.Intent.Id, Reason: "general", Status);
}
