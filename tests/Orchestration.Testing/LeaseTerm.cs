namespace Orchestration.Testing;

/// <summary>
/// A year's lease from the first of next month (UTC). The Gateway refuses a lease that starts in the past, so a lease a
/// test applies for starts from the day the test runs, never from a fixed date that will one day have passed.
/// </summary>
public static class LeaseTerm
{
    public static DateOnly Start => new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(1);

    public static DateOnly End => Start.AddYears(1).AddDays(-1);
}
