namespace Orchestration.Messages.Billing;

/// <summary>
/// Asks Billing to compare the payment gateway's rent payments created in [<see cref="From"/>, <see cref="To"/>) with
/// the ledger. <see cref="RunId"/> keys the run: the same id runs once, however often the command arrives.
/// </summary>
public sealed record StartReconciliationRun
{
    public required Guid RunId { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>The daily reconciliation's occurrence for <see cref="Day"/> ("YYYY-MM-DD", the UTC day before it) is due (a message of the durable scheduler).</summary>
public sealed record ReconciliationScheduleDue
{
    public required string Day { get; init; }
    public required DateTimeOffset DueAt { get; init; }
}

/// <summary>The kinds of <see cref="ReconciliationDiscrepancy"/>.</summary>
public static class ReconciliationDiscrepancyKinds
{
    /// <summary>The gateway collected a payment the ledger has no entry for.</summary>
    public const string MissingInLedger = "MissingInLedger";

    /// <summary>The ledger has a payment entry no gateway payment of the range (or its settlement window) matches.</summary>
    public const string MissingAtGateway = "MissingAtGateway";

    /// <summary>The ledger holds, net of returns, another amount than the gateway collected.</summary>
    public const string AmountMismatch = "AmountMismatch";

    /// <summary>The ledger's entry is in another currency than the gateway's payment.</summary>
    public const string CurrencyMismatch = "CurrencyMismatch";

    /// <summary>
    /// A webhook event of the range that named nothing Billing asked the gateway for (an intent we did not create, a lease
    /// or charge of none of our requests); <see cref="ReconciliationDiscrepancy.ProviderEventId"/> names it.
    /// </summary>
    public const string UnmatchedWebhookEvent = "UnmatchedWebhookEvent";

    public static readonly IReadOnlyList<string> All = [MissingInLedger, MissingAtGateway, AmountMismatch, CurrencyMismatch, UnmatchedWebhookEvent];
}

/// <summary>One difference a reconciliation run found; amounts are what each side holds (null where a side has nothing).</summary>
public sealed record ReconciliationDiscrepancy
{
    public required string Kind { get; init; }
    public string? PaymentIntentId { get; init; }
    public Guid? ChargeId { get; init; }
    public Guid? LeaseId { get; init; }
    public Guid? LedgerEntryId { get; init; }
    public Money? Gateway { get; init; }
    public Money? Ledger { get; init; }

    /// <summary>The webhook event of an <see cref="ReconciliationDiscrepancyKinds.UnmatchedWebhookEvent"/>.</summary>
    public string? ProviderEventId { get; init; }

    /// <summary>Why the event matched nothing, as Billing found when it arrived.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// A reconciliation run is done: how many gateway payments and ledger payment entries it compared, and every
/// difference (at most <see cref="ReconciliationLimits.MaxReported"/>; <see cref="DiscrepancyCount"/> counts them all).
/// </summary>
public sealed record ReconciliationRunFinished
{
    public required Guid RunId { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required int GatewayPayments { get; init; }
    public required int LedgerPayments { get; init; }
    public required int DiscrepancyCount { get; init; }
    public required IReadOnlyList<ReconciliationDiscrepancy> Discrepancies { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
}

public static class ReconciliationLimits
{
    /// <summary>The longest range one run compares, so a run's listing and its report stay bounded.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>The most discrepancies one run's report carries; beyond that the count says how many more there are.</summary>
    public const int MaxReported = 1000;
}
