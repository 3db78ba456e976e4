namespace Orchestration.Sagas.Leasing;

public sealed class LeaseSigningOptions
{
    public TimeSpan SignatureReminderInterval { get; set; } = TimeSpan.FromHours(48);

    public int MaxSignatureReminders { get; set; } = 3;

    /// <summary>How long the applicant has to sign, counted from when the lease is sent for signature.</summary>
    public TimeSpan OfferExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Who is emailed when the unit's lock never confirms a lease's move-in code; with none, it shows on the lease's
    /// timeline only.
    /// </summary>
    public string[] StaffEmails { get; set; } = [];

    /// <summary>Refuses settings the saga could not keep, so a host fails at start-up rather than at the first lease.</summary>
    public void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SignatureReminderInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSignatureReminders);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OfferExpiry, TimeSpan.Zero);
    }
}
