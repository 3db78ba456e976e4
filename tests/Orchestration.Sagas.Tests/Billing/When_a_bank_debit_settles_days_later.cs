namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_a_bank_debit_settles_days_later
{
    [Fact]
    public async Task Should_show_the_charge_processing_until_the_debit_succeeds()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);

        await rent.Processes("pi_ach_1");
        await rent.ShouldBeIn(x => x.Processing);
        rent.Ledger().ShouldBeEmpty();

        await rent.Succeeds("pi_ach_1");
        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m)]);
    }

    [Fact]
    public async Task Should_end_paid_when_success_arrives_before_processing_and_every_report_comes_twice()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);

        await rent.Succeeds("pi_ach_2");
        await rent.Succeeds("pi_ach_2");
        await rent.Processes("pi_ach_2");
        await rent.Processes("pi_ach_2");
        await rent.Fails("pi_ach_2", "reported late, after the debit settled");

        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m)]);
        rent.Ledger().Count.ShouldBe(1, "a duplicate report asks for nothing");
        rent.Notices(RentNotice.Receipt).ShouldHaveSingleItem();
        rent.Notices(RentNotice.PaymentFailed).ShouldBeEmpty();
        rent.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_end_in_the_same_state_whatever_order_the_reports_of_two_payments_arrive_in()
    {
        var reports = new Func<RentCollectionHarness, Task>[]
        {
            r => r.Processes("pi_a"), r => r.Succeeds("pi_a", 1000m), r => r.Fails("pi_b"), r => r.Succeeds("pi_c", 850m), r => r.Processes("pi_c"),
        };

        foreach (var order in new[] { new[] { 0, 1, 2, 3, 4 }, new[] { 4, 3, 2, 1, 0 }, new[] { 1, 3, 0, 4, 2 } })
        {
            await using var rent = await RentCollectionHarness.Start();
            await rent.Post(autopay: false);
            foreach (var report in order)
                await reports[report](rent);

            await rent.ShouldBeIn(x => x.Paid);
            rent.LedgerAsWritten().Sum(x => x.Amount).ShouldBe(-1850m, $"order {string.Join(",", order)}");
        }
    }
}
