using Orchestration.Sagas.Billing;

namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_autopay_fails
{
    static RentCollectionOptions QuickRetries => new() { AutopayRetryDelays = [TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900)] };

    [Fact]
    public async Task Should_retry_on_schedule_with_a_notice_each_time_then_send_an_invoice()
    {
        await using var rent = await RentCollectionHarness.Start(QuickRetries);
        await rent.Post(autopay: true);

        await rent.Fails("pi_attempt_1");
        var firstNotice = rent.Notices(RentNotice.PaymentFailed).ShouldHaveSingleItem();
        firstNotice.NextAttemptAt.ShouldBe(RentCollectionHarness.Now.AddMilliseconds(300));
        await RentCollectionHarness.Until(() => rent.AutopayRequests().Count == 2, "the first retry");
        rent.AutopayRequests()[1].IdempotencyKey.ShouldBe($"{rent.ChargeId:N}-attempt-2");

        await rent.Fails("pi_attempt_2");
        rent.Notices(RentNotice.PaymentFailed).Last().NextAttemptAt.ShouldBe(RentCollectionHarness.Now.AddMilliseconds(900));
        await RentCollectionHarness.Until(() => rent.AutopayRequests().Count == 3, "the second retry");

        await rent.Fails("pi_attempt_3");
        rent.Notices(RentNotice.PaymentFailed).Count.ShouldBe(3);
        rent.Notices(RentNotice.PaymentFailed).Last().NextAttemptAt.ShouldBeNull();
        rent.Notices(RentNotice.Invoice).ShouldHaveSingleItem();
        await Task.Delay(1200);
        rent.AutopayRequests().Count.ShouldBe(3, "two retries by default, then the tenant pays by the invoice's link");
        await rent.ShouldBeIn(x => x.AwaitingPayment);
    }

    [Fact]
    public async Task Should_stop_retrying_once_a_retry_succeeds()
    {
        await using var rent = await RentCollectionHarness.Start(QuickRetries);
        await rent.Post(autopay: true);

        await rent.Fails("pi_attempt_1");
        await RentCollectionHarness.Until(() => rent.AutopayRequests().Count == 2, "the first retry");
        await rent.Succeeds("pi_attempt_2");

        await rent.ShouldBeIn(x => x.Paid);
        await Task.Delay(1200);
        rent.AutopayRequests().Count.ShouldBe(2);
        rent.Notices(RentNotice.Invoice).ShouldBeEmpty();
    }
}
