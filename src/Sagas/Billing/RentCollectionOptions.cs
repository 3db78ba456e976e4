using Orchestration.Messages;

namespace Orchestration.Sagas.Billing;

/// <summary>How the rent-collection saga retries autopay and treats returned payments (<c>Billing:RentCollection</c>).</summary>
public sealed class RentCollectionOptions
{
    public const string Section = "Billing:RentCollection";

    /// <summary>When failed autopay is tried again, counted from the first failure: by default a day and three days later.</summary>
    public List<TimeSpan> AutopayRetryDelays { get; set; } = [TimeSpan.FromDays(1), TimeSpan.FromDays(3)];

    /// <summary>The fee for a returned payment (NSF), in the charge's currency; 0 charges none.</summary>
    public decimal ReturnedPaymentFee { get; set; } = 35m;

    /// <summary>After this many returned payments on a lease, autopay is turned off (certified funds only).</summary>
    public int ReturnsBeforeAutopayOff { get; set; } = 2;

    /// <summary>How often late fees are brought up to date while a charge stays late (daily and weekly accrual).</summary>
    public TimeSpan LateFeeAccrualInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Refuses settings the saga could not keep, so a host fails at start-up rather than at the first charge.</summary>
    public void ThrowIfInvalid()
    {
        foreach (var delay in AutopayRetryDelays)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(delay, TimeSpan.Zero, nameof(AutopayRetryDelays));
        ArgumentOutOfRangeException.ThrowIfNegative(ReturnedPaymentFee);
        if (!Money.IsWholeCents(ReturnedPaymentFee))
            throw new ArgumentOutOfRangeException(nameof(ReturnedPaymentFee), ReturnedPaymentFee, "The returned-payment fee must be a whole number of cents.");
        ArgumentOutOfRangeException.ThrowIfLessThan(ReturnsBeforeAutopayOff, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LateFeeAccrualInterval, TimeSpan.Zero);
    }
}
