using System.Diagnostics;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_the_applicant_does_not_sign(When_the_applicant_does_not_sign.Scenario scenario) : IClassFixture<When_the_applicant_does_not_sign.Scenario>
{
    public sealed class Scenario : LeaseScenario
    {
        protected override LeaseSigningOptions Options => QuickOffer;

        protected override async Task Play(LeaseSigningHarness lease)
        {
            await lease.Submit();
            await lease.PassScreening();
            await lease.PrepareDocument();
            await lease.ConfirmEnvelopeSent();
            await lease.ShouldBeFinished();
        }
    }

    // Three reminders are due by 1.5 s; the offer expires at 3.5 s, well after the last of them.
    static readonly LeaseSigningOptions QuickOffer =
        LeaseSigningHarness.Timeouts(TimeSpan.FromMilliseconds(500), maxReminders: 3, TimeSpan.FromSeconds(3.5));

    readonly LeaseSigningHarness _lease = scenario.Lease;

    [Fact]
    public void Should_remind_the_applicant_no_more_than_the_maximum()
    {
        var reminders = _lease.Emails(TenantEmail.SignatureReminder);
        reminders.Count.ShouldBe(3);
        reminders.Select(x => x.DeduplicationKey)
            .ShouldBe([$"lease-{_lease.LeaseId:N}-reminder-1", $"lease-{_lease.LeaseId:N}-reminder-2", $"lease-{_lease.LeaseId:N}-reminder-3"], ignoreOrder: true);
        reminders.ShouldAllBe(x => x.RecipientEmail == LeaseSigningHarness.ApplicantEmail);
        reminders.ShouldAllBe(x => x.Values["SigningUrl"] == LeaseSigningHarness.SigningUrl);
        reminders.ShouldAllBe(x => x.Values["OfferExpiresOn"] == "2030-03-01");
    }

    [Fact]
    public void Should_send_the_signing_link_once()
    {
        var link = _lease.ShouldHaveEmailedOnce(TenantEmail.SigningLink, "signing-link", "SigningUrl", "OfferExpiresOn");
        link.Values["SigningUrl"].ShouldBe(LeaseSigningHarness.SigningUrl);
        link.Values["OfferExpiresOn"].ShouldBe("2030-03-01");
    }

    [Fact]
    public void Should_void_the_envelope_and_release_the_unit_when_the_offer_expires()
    {
        _lease.Sent<VoidLeaseSignatures>().ShouldHaveSingleItem().EnvelopeId.ShouldBe(LeaseSigningHarness.EnvelopeId);
        _lease.Sent<ReleaseUnitHold>().ShouldHaveSingleItem().UnitId.ShouldBe(_lease.UnitId);
    }

    [Fact]
    public void Should_announce_that_the_offer_lapsed()
    {
        var lapsed = _lease.Published<LeaseOfferLapsed>().ShouldHaveSingleItem();
        lapsed.RemindersSent.ShouldBe(3);
        lapsed.ApplicantId.ShouldBe(_lease.ApplicantId);
    }

    [Fact]
    public void Should_announce_each_reminder_and_the_lapse_as_the_last_step()
    {
        var progress = _lease.ShouldHaveProgressedThrough(
            ("ApplicationSubmitted", "AwaitingScreening"),
            ("ScreeningPassed", "AwaitingLeaseDocument"),
            ("SentForSignature", "AwaitingTenantSignature"),
            ("SigningLinkSent", "AwaitingTenantSignature"),
            ("ReminderSent", "AwaitingTenantSignature"),
            ("ReminderSent", "AwaitingTenantSignature"),
            ("ReminderSent", "AwaitingTenantSignature"),
            ("OfferLapsed", LeaseSigningStates.Lapsed));
        progress.Where(x => x.Step == "ReminderSent").Select(x => x.Detail).ShouldBe(["Reminder 1 of 3", "Reminder 2 of 3", "Reminder 3 of 3"]);
    }

    [Fact]
    public void Should_not_go_on_to_countersignature()
    {
        _lease.Sent<RequestLandlordCountersignature>().ShouldBeEmpty();
        _lease.NoMessageShouldHaveFaulted();
    }
}

public class When_the_applicant_signs_after_a_reminder
{
    [Fact]
    public async Task Should_stop_reminding_and_never_expire_the_offer()
    {
        var options = LeaseSigningHarness.Timeouts(TimeSpan.FromSeconds(2), maxReminders: 3, TimeSpan.FromSeconds(6.5));
        await using var lease = await LeaseSigningHarness.Start(options);
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingLeaseDocument));

        var sentForSignature = Stopwatch.StartNew();
        await lease.PrepareDocument();
        await lease.ConfirmEnvelopeSent();
        (await lease.Harness.Sent.Any<SendTenantEmail>(x => x.Context.Message.Email == TenantEmail.SignatureReminder)).ShouldBeTrue();
        await lease.TenantSigns();

        // Past the offer's expiry: every remaining reminder and the expiry would have fired by now had signing not stopped them.
        var pastExpiry = options.OfferExpiry + TimeSpan.FromMilliseconds(500) - sentForSignature.Elapsed;
        if (pastExpiry > TimeSpan.Zero)
            await Task.Delay(pastExpiry);

        lease.ShouldHaveEmailedOnce(TenantEmail.SignatureReminder, "reminder-1", "SigningUrl", "OfferExpiresOn");
        lease.Sent<VoidLeaseSignatures>().ShouldBeEmpty();
        lease.Published<LeaseOfferLapsed>().ShouldBeEmpty();
        await lease.ShouldBeIn(x => x.AwaitingCountersignature);
        lease.NoMessageShouldHaveFaulted();
    }
}

public class When_a_reminder_is_due_before_the_envelope_is_confirmed
{
    [Fact]
    public async Task Should_wait_for_the_signing_link_and_not_count_the_missed_reminder()
    {
        var options = LeaseSigningHarness.Timeouts(TimeSpan.FromMilliseconds(300), maxReminders: 1, TimeSpan.FromMinutes(5));
        await using var lease = await LeaseSigningHarness.Start(options);
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingTenantSignature));

        (await lease.Saga.Consumed.Any<SignatureReminderDue>()).ShouldBeTrue();
        lease.Emails(TenantEmail.SignatureReminder).ShouldBeEmpty();
        lease.Lease.ShouldNotBeNull().SignatureRemindersSent.ShouldBe(0);

        await lease.ConfirmEnvelopeSent();
        (await lease.Harness.Sent.Any<SendTenantEmail>(x => x.Context.Message.Email == TenantEmail.SignatureReminder)).ShouldBeTrue();

        var reminder = lease.ShouldHaveEmailedOnce(TenantEmail.SignatureReminder, "reminder-1", "SigningUrl", "OfferExpiresOn");
        reminder.Values["SigningUrl"].ShouldBe(LeaseSigningHarness.SigningUrl);
        lease.NoMessageShouldHaveFaulted();
    }
}
