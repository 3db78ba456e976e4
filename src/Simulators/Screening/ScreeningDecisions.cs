namespace Orchestration.Simulators.Screening;

internal sealed record ScreeningReason(string Code, string Message);

internal sealed record ScreeningDecision(string Outcome, ScreeningReason? Reason)
{
    public const string Approved = "approved";
    public const string Declined = "declined";
}

/// <summary>
/// Decides from the applicant's email address, so a test or a demo picks the outcome when it makes up the applicant:
/// <list type="table">
/// <item><term>contains "decline"</term><description>declined, credit_score_below_threshold</description></item>
/// <item><term>contains "eviction"</term><description>declined, prior_eviction</description></item>
/// <item><term>contains "income"</term><description>declined, insufficient_income</description></item>
/// <item><term>anything else</term><description>approved</description></item>
/// </list>
/// </summary>
internal static class ScreeningDecisions
{
    static readonly (string Marker, ScreeningReason Reason)[] Declines =
    [
        ("decline", new("credit_score_below_threshold", "The applicant's credit score is below the property's threshold.")),
        ("eviction", new("prior_eviction", "The applicant has an eviction on record.")),
        ("income", new("insufficient_income", "The applicant's verified income is below the required multiple of the rent.")),
    ];

    public static ScreeningDecision For(string applicantEmail)
    {
        foreach (var (marker, reason) in Declines)
        {
            if (applicantEmail.Contains(marker, StringComparison.OrdinalIgnoreCase))
                return new ScreeningDecision(ScreeningDecision.Declined, reason);
        }
        return new ScreeningDecision(ScreeningDecision.Approved, null);
    }
}
