using MassTransit;

namespace Orchestration.Sagas.Billing;

/// <summary>
/// One rent charge being collected. Kept after it is paid, because a payment can still be returned or disputed days
/// later. Amounts are in <see cref="Currency"/>; <see cref="Paid"/> counts what the charge's own payments hold now
/// (returned and disputed payments taken out, refunds too).
/// </summary>
public class RentCollectionState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = string.Empty;
    public int Version { get; set; }

    public Guid LeaseId { get; set; }
    public Guid RentRunId { get; set; }
    public string Period { get; set; } = string.Empty;
    public decimal Amount { get; set; }
    public string Currency { get; set; } = string.Empty;
    public DateOnly DueOn { get; set; }
    public int GraceDays { get; set; }
    public bool Autopay { get; set; }

    public decimal Paid { get; set; }

    /// <summary>Payments that succeeded, by the gateway's payment id, with their amount.</summary>
    public Dictionary<string, decimal> Payments { get; set; } = [];

    /// <summary>Payments the bank returned or a dispute withdrew (their funds are out of <see cref="Paid"/>).</summary>
    public List<string> TakenBack { get; set; } = [];

    public List<string> OpenDisputes { get; set; } = [];
    public List<string> Refunds { get; set; } = [];

    /// <summary>Payments reported failed; an attempt that later succeeds is counted as succeeded.</summary>
    public List<string> FailedPayments { get; set; } = [];

    public bool Processing { get; set; }
    public int AutopayAttempts { get; set; }
    public int AutopayFailures { get; set; }
    public DateTimeOffset? FirstFailureAt { get; set; }

    /// <summary>The grace period's timeout has come, paid or not: a payment returned after it makes the charge late at once.</summary>
    public bool GracePeriodOver { get; set; }

    public Guid? GracePeriodTokenId { get; set; }
    public Guid? RetryTokenId { get; set; }
    public Guid? AccrualTokenId { get; set; }

    public DateTimeOffset? PostedAt { get; set; }
    public DateTimeOffset? LateAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? LastTransitionAt { get; set; }

    public decimal Outstanding => Amount - Paid;
}
