namespace Orchestration.Messages.Leasing;

public sealed record MoveInFundsReceived
{
    public required Guid LeaseId { get; init; }

    /// <summary>The payment gateway's reference for the payment.</summary>
    public required string PaymentId { get; init; }

    public required Money Amount { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The payment gateway's event that reported the payment.</summary>
    public string? ProviderEventId { get; init; }
}

/// <summary>One payment attempt failed; the request stays open and the tenant can pay again.</summary>
public sealed record MoveInPaymentFailed
{
    public required Guid LeaseId { get; init; }
    public string? PaymentId { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>
    /// The payment gateway's hosted page where the tenant pays this intent with another card: an unguessable link,
    /// valid for this intent only. None when the gateway gave no such page.
    /// </summary>
    public string? PaymentUrl { get; init; }
}

/// <summary>The code itself goes to the tenant from Devices and is never carried on the bus.</summary>
public sealed record AccessCodeIssued
{
    public required Guid LeaseId { get; init; }
    public required Guid AccessCodeId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}

public sealed record LeaseActivated
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid TenantId { get; init; }
    public required Money MonthlyRent { get; init; }
    public required Money SecurityDeposit { get; init; }
    public required DateOnly LeaseStart { get; init; }
    public required DateOnly LeaseEnd { get; init; }
    public required DateTimeOffset ActivatedAt { get; init; }

    /// <summary>The tenant's name and email, for Billing's rent notices; absent from events published before they were added.</summary>
    public string? TenantName { get; init; }

    public string? TenantEmail { get; init; }

    /// <summary>What Billing charges every month besides the rent; absent from events published before it was carried.</summary>
    public IReadOnlyList<RecurringCharge>? RecurringCharges { get; init; }
}
