namespace Orchestration.Messages.Billing;

/// <summary>What a late fee is computed from.</summary>
public enum LateFeeBasis
{
    /// <summary><see cref="LateFeePolicy.Rate"/> is an amount in the charge's currency.</summary>
    Fixed,

    /// <summary><see cref="LateFeePolicy.Rate"/> is a percentage of the charge as posted.</summary>
    PercentOfRent,

    /// <summary><see cref="LateFeePolicy.Rate"/> is a percentage of what is still unpaid of the charge on the day of the fee.</summary>
    PercentOfOutstanding,
}

/// <summary>How often a late charge is assessed a fee.</summary>
public enum LateFeeAccrual
{
    /// <summary>Once, on the first day after the grace period.</summary>
    OneTime,

    /// <summary>On the first day after the grace period and every day after it while the charge stays unpaid.</summary>
    Daily,

    /// <summary>On the first day after the grace period and every seventh day after it while the charge stays unpaid.</summary>
    Weekly,
}

/// <summary>
/// A late-fee policy. A charge is late from the day after its grace period: with a due date on the 1st and five grace
/// days, the 2nd to the 6th are grace (the due day does not count) and the first fee falls on the 7th if the charge is
/// not paid in full by the end of the 6th. Each fee is rounded to cents (halves away from zero) and then cut so that the
/// charge's fees never exceed <see cref="CapPerCharge"/> and the lease's late fees of a calendar month never exceed
/// <see cref="MonthlyMaximum"/> (null: no limit).
/// </summary>
public sealed record LateFeePolicy
{
    public LateFeeBasis Basis { get; init; } = LateFeeBasis.Fixed;

    /// <summary>An amount (<see cref="LateFeeBasis.Fixed"/>) or a percentage (5 means 5 %).</summary>
    public decimal Rate { get; init; }

    public LateFeeAccrual Accrual { get; init; } = LateFeeAccrual.OneTime;

    public int GraceDays { get; init; } = 5;

    public decimal? CapPerCharge { get; init; }

    public decimal? MonthlyMaximum { get; init; }

    /// <summary>A policy that never charges a fee.</summary>
    public static readonly LateFeePolicy None = new() { Rate = 0 };

    public IEnumerable<string> Problems(string section) => FieldProblems().Select(p => $"{section}:{p.Field} {p.Problem}");

    /// <summary>What is wrong with the policy, by the name of the property at fault.</summary>
    public IEnumerable<(string Field, string Problem)> FieldProblems()
    {
        if (!Enum.IsDefined(Basis))
            yield return (nameof(Basis), "must be Fixed, PercentOfRent or PercentOfOutstanding.");
        if (!Enum.IsDefined(Accrual))
            yield return (nameof(Accrual), "must be OneTime, Daily or Weekly.");
        if (Rate < 0)
            yield return (nameof(Rate), "must not be negative.");
        if (Basis != LateFeeBasis.Fixed && Rate > 100)
            yield return (nameof(Rate), "is a percentage and must be at most 100.");
        if (Basis == LateFeeBasis.Fixed && !Money.IsWholeCents(Rate))
            yield return (nameof(Rate), "must be a whole number of cents.");
        if (GraceDays is < 0 or > 31)
            yield return (nameof(GraceDays), "must be between 0 and 31.");
        if (CapPerCharge is < 0)
            yield return (nameof(CapPerCharge), "must not be negative.");
        else if (CapPerCharge is { } cap && !Money.IsWholeCents(cap))
            yield return (nameof(CapPerCharge), "must be a whole number of cents.");
        if (MonthlyMaximum is < 0)
            yield return (nameof(MonthlyMaximum), "must not be negative.");
        else if (MonthlyMaximum is { } maximum && !Money.IsWholeCents(maximum))
            yield return (nameof(MonthlyMaximum), "must be a whole number of cents.");
    }
}

/// <summary>Where a late-fee policy applies: the whole company, one property, or one lease.</summary>
public enum LateFeeScope
{
    Company,
    Property,
    Lease,
}
