using MassTransit;
using Orchestration.Messages.Leasing;

namespace Orchestration.Sagas.Leasing;

/// <summary>One lease on its way from application to move-in. Kept after activation as the lease record.</summary>
public class LeaseSigningState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = string.Empty;
    public int Version { get; set; }

    /// <summary>Steps announced so far; the next <c>LeaseSigningProgressed</c> carries this plus one.</summary>
    public int ProgressSequence { get; set; }

    public Guid PropertyId { get; set; }
    public Guid UnitId { get; set; }
    public Guid ApplicantId { get; set; }
    public string ApplicantName { get; set; } = string.Empty;
    public string ApplicantEmail { get; set; } = string.Empty;

    public decimal MonthlyRentAmount { get; set; }
    public string MonthlyRentCurrency { get; set; } = string.Empty;
    public decimal SecurityDepositAmount { get; set; }
    public string SecurityDepositCurrency { get; set; } = string.Empty;
    public DateOnly LeaseStart { get; set; }
    public DateOnly LeaseEnd { get; set; }

    /// <summary>What the lease charges every month besides the rent, as applied for.</summary>
    public List<RecurringCharge>? RecurringCharges { get; set; }

    public string? ScreeningId { get; set; }
    public Guid? DocumentId { get; set; }
    public string? EnvelopeId { get; set; }
    public string? SigningUrl { get; set; }
    public Guid? SignatureReminderTokenId { get; set; }
    public Guid? OfferExpiryTokenId { get; set; }
    public int SignatureRemindersSent { get; set; }
    public string? CountersignedBy { get; set; }
    public int FailedMoveInPayments { get; set; }
    public string? LastMoveInPaymentFailure { get; set; }
    public string? MoveInPaymentId { get; set; }

    /// <summary>The payment gateway's hosted page for this lease's move-in intent, once Billing has passed it on.</summary>
    public string? MoveInPaymentUrl { get; set; }
    public decimal? MoveInFundsAmount { get; set; }
    public string? MoveInFundsCurrency { get; set; }
    public Guid? AccessCodeId { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? ScreenedAt { get; set; }
    public DateTimeOffset? DocumentPreparedAt { get; set; }
    public DateTimeOffset? SentForSignatureAt { get; set; }
    public DateTimeOffset? OfferExpiresAt { get; set; }
    public DateTimeOffset? TenantSignedAt { get; set; }
    public DateTimeOffset? CountersignedAt { get; set; }
    public DateTimeOffset? MoveInFundsRequestedAt { get; set; }
    public DateTimeOffset? LastMoveInPaymentFailedAt { get; set; }
    public DateTimeOffset? MoveInFundsReceivedAt { get; set; }
    public DateTimeOffset? AccessCodeRequestedAt { get; set; }
    public DateTimeOffset? AccessCodeIssuedAt { get; set; }

    /// <summary>The lock command that Devices gave up on, once staff were told, so a redelivery tells them nothing twice.</summary>
    public Guid? UnconfirmedAccessCodeCommandId { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset? LastTransitionAt { get; set; }
}
