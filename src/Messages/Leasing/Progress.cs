namespace Orchestration.Messages.Leasing;

/// <summary>
/// One step of a lease's way from application to move-in, published by the lease-signing saga for every step it takes,
/// the last one included. <see cref="Sequence"/> counts a lease's steps from 1 without gaps, so a reader that receives
/// them out of order or twice can tell which is newer and which it already has.
/// </summary>
public sealed record LeaseSigningProgressed
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }

    /// <summary>The stage the lease is in after the step: a saga state such as "AwaitingScreening", or one of <see cref="LeaseSigningStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>What happened, for example "ScreeningPassed", "TenantSigned" or "ReminderSent".</summary>
    public required string Step { get; init; }

    public required int Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>A reason or a count for people reading the lease's history, such as the screening's reason for a decline.</summary>
    public string? Detail { get; init; }
}

/// <summary>The stages in which a lease's process ends; nothing moves a lease out of them.</summary>
public static class LeaseSigningStates
{
    public const string Active = "Active";
    public const string Declined = "Declined";
    public const string Lapsed = "Lapsed";
    public const string Cancelled = "Cancelled";

    public static bool IsFinal(string state) => state is Active or Declined or Lapsed or Cancelled;
}
