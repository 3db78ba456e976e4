using Orchestration.Endpoints.Billing;
using Orchestration.Endpoints.Billing.Reconciliation;

namespace Orchestration.Billing.Tests.Reconciliation;

/// <summary>The daily schedule reconciles the whole UTC day before each occurrence, as one run per day however often it comes.</summary>
public sealed class When_the_reconciliation_schedule_comes_round
{
    [Fact]
    public void Should_reconcile_the_day_before_each_occurrence_under_an_id_of_that_day()
    {
        var cron = CronSchedules.Parse("0 5 * * *").ShouldNotBeNull();

        var due = ReconciliationSchedule.Next(cron, new DateTimeOffset(2031, 3, 2, 4, 59, 0, TimeSpan.Zero)).ShouldNotBeNull();
        var run = ReconciliationSchedule.RunFor(due.Day, DateTimeOffset.UtcNow);

        due.DueAt.ShouldBe(new DateTimeOffset(2031, 3, 2, 5, 0, 0, TimeSpan.Zero));
        due.Day.ShouldBe("2031-03-01");
        run.From.ShouldBe(new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero));
        run.To.ShouldBe(new DateTimeOffset(2031, 3, 2, 0, 0, 0, TimeSpan.Zero));
        ReconciliationSchedule.RunFor("2031-03-01", DateTimeOffset.UtcNow.AddHours(1)).RunId.ShouldBe(run.RunId, "a second start of the day is the same run");
        ReconciliationSchedule.RunFor("2031-03-02", DateTimeOffset.UtcNow).RunId.ShouldNotBe(run.RunId);
    }

    [Theory]
    [InlineData("every day")]
    [InlineData("0 5 * *")]
    public void Should_refuse_to_start_with_a_schedule_that_is_not_a_cron_expression(string schedule) =>
        new ReconciliationOptions { Schedule = schedule }.Problems().ShouldHaveSingleItem().ShouldContain("Billing:Reconciliation:Schedule");
}
