using System.Text.Json;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_an_application_goes_all_the_way_to_move_in(When_an_application_goes_all_the_way_to_move_in.Scenario scenario) : IClassFixture<When_an_application_goes_all_the_way_to_move_in.Scenario>
{
    public sealed class Scenario : LeaseScenario
    {
        protected override async Task Play(LeaseSigningHarness lease)
        {
            await lease.Submit();
            await lease.PassScreening();
            await lease.PrepareDocument();
            await lease.ConfirmEnvelopeSent();
            await lease.TenantSigns();
            await lease.LandlordCountersigns();
            await lease.FundsArrive();
            await lease.AccessCodeIssued();
        }
    }

    readonly LeaseSigningHarness _lease = scenario.Lease;

    [Fact]
    public void Should_hold_the_unit_and_request_screening_on_submission()
    {
        var hold = _lease.Sent<HoldUnit>().ShouldHaveSingleItem();
        hold.UnitId.ShouldBe(_lease.UnitId);
        hold.PropertyId.ShouldBe(_lease.PropertyId);

        var screening = _lease.Sent<RequestScreening>().ShouldHaveSingleItem();
        screening.ApplicantId.ShouldBe(_lease.ApplicantId);
        screening.ApplicantEmail.ShouldBe("dana.whitfield@example.com");

        var submitted = _lease.Published<LeaseApplicationSubmitted>().ShouldHaveSingleItem();
        submitted.MonthlyRent.ShouldBe(LeaseSigningHarness.MonthlyRent);
        submitted.SubmittedAt.ShouldBe(LeaseSigningHarness.Now);
    }

    [Fact]
    public void Should_send_the_prepared_document_for_signature_with_the_offer_deadline()
    {
        _lease.Sent<PrepareLeaseDocument>().ShouldHaveSingleItem().SecurityDeposit.ShouldBe(LeaseSigningHarness.SecurityDeposit);

        var signature = _lease.Sent<RequestTenantSignature>().ShouldHaveSingleItem();
        signature.DocumentId.ShouldBe(_lease.DocumentId);
        signature.OfferExpiresAt.ShouldBe(LeaseSigningHarness.Now + _lease.Options.OfferExpiry);

        var countersignature = _lease.Sent<RequestLandlordCountersignature>().ShouldHaveSingleItem();
        countersignature.EnvelopeId.ShouldBe(LeaseSigningHarness.EnvelopeId);
        countersignature.DocumentId.ShouldBe(_lease.DocumentId);
    }

    [Fact]
    public void Should_request_deposit_and_first_month_once_under_a_key_derived_from_the_lease()
    {
        var funds = _lease.Sent<RequestMoveInFunds>().ShouldHaveSingleItem();
        funds.SecurityDeposit.ShouldBe(LeaseSigningHarness.SecurityDeposit);
        funds.FirstMonthRent.ShouldBe(LeaseSigningHarness.MonthlyRent);
        funds.DueOn.ShouldBe(LeaseSigningHarness.LeaseStart);
        funds.IdempotencyKey.ShouldBe($"lease-{_lease.LeaseId:N}-move-in");
    }

    [Fact]
    public void Should_issue_the_access_code_from_move_in_day()
    {
        var code = _lease.Sent<IssueAccessCode>().ShouldHaveSingleItem();
        code.TenantId.ShouldBe(_lease.ApplicantId);
        code.UnitId.ShouldBe(_lease.UnitId);
        code.ValidFrom.ShouldBe(LeaseSigningHarness.LeaseStart);
        code.ValidThrough.ShouldBe(LeaseSigningHarness.LeaseEnd);
    }

    [Fact]
    public void Should_announce_the_active_lease()
    {
        var activated = _lease.Published<LeaseActivated>().ShouldHaveSingleItem();
        activated.TenantId.ShouldBe(_lease.ApplicantId);
        activated.MonthlyRent.ShouldBe(LeaseSigningHarness.MonthlyRent);
        activated.LeaseStart.ShouldBe(LeaseSigningHarness.LeaseStart);
        activated.ActivatedAt.ShouldBe(LeaseSigningHarness.Now);
    }

    [Fact]
    public void Should_announce_every_step_with_an_increasing_sequence()
    {
        var progress = _lease.ShouldHaveProgressedThrough(LeaseSteps.WayToActive);

        // Published in the order they happened, so a reader that applies them as they come sees the sequence rise.
        _lease.Published<LeaseSigningProgressed>().Select(x => x.Sequence).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        progress.Single(x => x.Step == "LandlordCountersigned").Detail.ShouldBe("Countersigned by pm.rivera");
        progress.Single(x => x.Step == "MoveInFundsReceived").Detail.ShouldBe("4,625.00 USD");
        _lease.Lease.ShouldNotBeNull().ProgressSequence.ShouldBe(8);
    }

    [Fact]
    public void Should_tell_readers_the_applicants_email_on_submission()
    {
        _lease.Published<LeaseApplicationSubmitted>().ShouldHaveSingleItem().ApplicantEmail.ShouldBe(LeaseSigningHarness.ApplicantEmail);
    }

    [Fact]
    public void Should_keep_the_active_lease_as_the_lease_record()
    {
        var record = _lease.Lease.ShouldNotBeNull();
        record.CurrentState.ShouldBe(nameof(LeaseSigningStateMachine.Active));
        record.EnvelopeId.ShouldBe(LeaseSigningHarness.EnvelopeId);
        record.SigningUrl.ShouldBe(LeaseSigningHarness.SigningUrl);
        record.MoveInPaymentId.ShouldBe(LeaseSigningHarness.PaymentId);
        record.MoveInFundsAmount.ShouldBe(LeaseSigningHarness.MoveInTotal.Amount);
        record.AccessCodeId.ShouldBe(_lease.AccessCodeId);
        record.TenantSignedAt.ShouldBe(LeaseSigningHarness.Now.AddHours(5));
        record.CountersignedBy.ShouldBe("pm.rivera");
        record.ActivatedAt.ShouldBe(LeaseSigningHarness.Now);
        record.LastTransitionAt.ShouldBe(LeaseSigningHarness.Now);
    }

    [Fact]
    public void Should_keep_every_detail_when_the_record_is_stored_as_json()
    {
        var record = _lease.Lease.ShouldNotBeNull();

        var stored = JsonSerializer.Deserialize<LeaseSigningState>(JsonSerializer.Serialize(record));

        stored.ShouldNotBeNull().ShouldBeEquivalentTo(record);
    }

    [Fact]
    public void Should_stop_the_signature_timeouts_and_undo_nothing()
    {
        var record = _lease.Lease.ShouldNotBeNull();
        record.SignatureReminderTokenId.ShouldBeNull();
        record.OfferExpiryTokenId.ShouldBeNull();

        _lease.Emails(TenantEmail.SignatureReminder).ShouldBeEmpty();
        _lease.Sent<VoidLeaseSignatures>().ShouldBeEmpty();
        _lease.Sent<ReleaseUnitHold>().ShouldBeEmpty();
        _lease.Sent<RefundMoveInFunds>().ShouldBeEmpty();
        _lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public void Should_email_the_signing_link_once()
    {
        var email = _lease.ShouldHaveEmailedOnce(TenantEmail.SigningLink, "signing-link", "SigningUrl", "OfferExpiresOn");
        email.Values["SigningUrl"].ShouldBe(LeaseSigningHarness.SigningUrl);
        email.Values["OfferExpiresOn"].ShouldBe("2030-03-01");
    }

    [Fact]
    public void Should_email_the_amount_being_charged_once_countersigned()
    {
        var email = _lease.ShouldHaveEmailedOnce(TenantEmail.LeaseCountersigned, "countersigned", "LeaseStart", "AmountDue");
        email.Values["LeaseStart"].ShouldBe("2030-04-01");
        email.Values["AmountDue"].ShouldBe("4,625.00 USD");
    }

    [Fact]
    public void Should_confirm_the_move_in_payment_once()
    {
        var email = _lease.ShouldHaveEmailedOnce(TenantEmail.MoveInFundsReceived, "funds-received", "Amount", "LeaseStart");
        email.Values["Amount"].ShouldBe("4,625.00 USD");
        email.Values["LeaseStart"].ShouldBe("2030-04-01");
    }

    [Fact]
    public void Should_welcome_the_tenant_once_without_the_access_code()
    {
        var email = _lease.ShouldHaveEmailedOnce(TenantEmail.Welcome, "welcome", "LeaseStart", "AccessInstructions");
        email.Values["LeaseStart"].ShouldBe("2030-04-01");
        email.Values["AccessInstructions"].ShouldContain("2030-04-01");
        email.Values.Values.ShouldAllBe(value => !value.Contains(_lease.AccessCodeId.ToString("N")) && !value.Contains(_lease.AccessCodeId.ToString()));
    }

    [Fact]
    public void Should_send_no_other_tenant_email()
    {
        _lease.Sent<SendTenantEmail>().Select(x => x.Email).ShouldBe(
            [TenantEmail.SigningLink, TenantEmail.LeaseCountersigned, TenantEmail.MoveInFundsReceived, TenantEmail.Welcome], ignoreOrder: true);
    }
}
