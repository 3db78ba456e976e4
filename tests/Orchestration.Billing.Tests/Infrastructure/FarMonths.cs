namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// Months far ahead, each given out once per test run. A test whose leases are in force only in months of its own is
/// charged by no other test's rent run, and its own runs charge no other test's lease, however the tests share a host.
/// </summary>
public static class FarMonths
{
    static readonly DateOnly First = new(2041, 1, 1);

    static int _taken;

    /// <summary>The first of <paramref name="months"/> consecutive months no other caller gets.</summary>
    public static DateOnly Next(int months = 1) => First.AddMonths(Interlocked.Add(ref _taken, months) - months);
}
