namespace Orchestration.Sagas.Leasing;

public sealed class LeaseSigningOptions
{
    public TimeSpan SignatureReminderInterval { get; set; } = TimeSpan.FromHours(48);

    public int MaxSignatureReminders { get; set; } = 3;

    /// <summary>How long the applicant has to sign, counted from when the lease is sent for signature.</summary>
    public TimeSpan OfferExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Where tenants pay their move-in funds; the lease id (32 hex digits) is appended as the last path segment.
    /// Must be an absolute http(s) URL.
    /// </summary>
    public string PaymentPortalUrl { get; set; } = "http://localhost:5080/pay";

    /// <summary>Refuses settings the saga could not keep, so a host fails at start-up rather than at the first lease.</summary>
    public void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SignatureReminderInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSignatureReminders);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OfferExpiry, TimeSpan.Zero);
        if (!Uri.TryCreate(PaymentPortalUrl, UriKind.Absolute, out var portal)
            || (portal.Scheme != Uri.UriSchemeHttp && portal.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{PaymentPortalUrl}' is not an absolute http(s) URL.", nameof(PaymentPortalUrl));
    }
}
