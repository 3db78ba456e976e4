using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>The rent of a lease's first and last months when they are not whole months.</summary>
public sealed class When_a_month_is_covered_in_part
{
    static readonly DateOnly May1 = new(2031, 5, 1);
    static readonly Money Rent = Money.Of(2100m, "USD");

    [Fact]
    public void Should_charge_the_days_from_a_mid_month_start_over_the_days_of_the_month()
    {
        // 20 to 31 May: 12 of 31 days; 2100 × 12 / 31 = 812.903… → 812.90.
        RentProration.ForPeriod(Rent, May1, new DateOnly(2031, 5, 20), new DateOnly(2032, 5, 19)).ShouldBe(Money.Of(812.90m, "USD"));
        RentProration.DueOn(May1, new DateOnly(2031, 5, 20)).ShouldBe(new DateOnly(2031, 5, 20));
    }

    [Fact]
    public void Should_charge_the_days_up_to_a_mid_month_end_counting_the_last_day()
    {
        // 1 to 10 February 2032 (a leap year): 10 of 29 days; 1000 × 10 / 29 = 344.827… → 344.83.
        RentProration.ForPeriod(Money.Of(1000m, "USD"), new DateOnly(2032, 2, 1), new DateOnly(2031, 2, 11), new DateOnly(2032, 2, 10))
            .ShouldBe(Money.Of(344.83m, "USD"));
    }

    [Fact]
    public void Should_round_a_half_cent_away_from_zero()
    {
        // 1 of 30 days of 0.15 is 0.005.
        RentProration.ForPeriod(Money.Of(0.15m, "USD"), new DateOnly(2031, 6, 1), new DateOnly(2031, 6, 30), new DateOnly(2032, 6, 29))
            .ShouldBe(Money.Of(0.01m, "USD"));
    }

    [Fact]
    public void Should_charge_a_whole_month_exactly_and_a_lease_inside_one_month_its_days()
    {
        RentProration.ForPeriod(Rent, May1, new DateOnly(2031, 1, 1), new DateOnly(2031, 12, 31)).ShouldBe(Rent);
        RentProration.ForPeriod(Rent, May1, May1, new DateOnly(2031, 5, 31)).ShouldBe(Rent);
        RentProration.DueOn(May1, new DateOnly(2031, 1, 1)).ShouldBe(May1);
        RentProration.ForPeriod(Money.Of(3100m, "USD"), May1, new DateOnly(2031, 5, 10), new DateOnly(2031, 5, 19)).ShouldBe(Money.Of(1000m, "USD"));
    }

    [Fact]
    public void Should_add_up_to_the_monthly_rent_within_a_cent_for_a_lease_split_across_the_month()
    {
        var random = new Random(20310501);
        for (var i = 0; i < 2000; i++)
        {
            var first = new DateOnly(2030 + random.Next(5), 1 + random.Next(12), 1);
            var days = first.AddMonths(1).AddDays(-1).Day;
            var moveOut = first.AddDays(random.Next(days - 1));
            var rent = Money.Of(random.Next(1, 1_000_000) / 100m, "USD");

            var ending = RentProration.ForPeriod(rent, first, first.AddYears(-1), moveOut);
            var starting = RentProration.ForPeriod(rent, first, moveOut.AddDays(1), first.AddYears(1));

            Math.Abs(ending.Amount + starting.Amount - rent.Amount).ShouldBeLessThanOrEqualTo(0.01m, $"{rent} split on {moveOut}");
            (ending.Amount * 100m % 1m).ShouldBe(0m);
        }
    }
}
