using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_messages_arrive_twice_or_late
{
    [Fact]
    public async Task Should_ignore_a_repeated_application()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingLeaseDocument));

        await lease.Deliver(new SubmitLeaseApplication
        {
            LeaseId = lease.LeaseId,
            PropertyId = lease.PropertyId,
            UnitId = lease.UnitId,
            ApplicantId = lease.ApplicantId,
            ApplicantName = "Dana Whitfield",
            ApplicantEmail = "dana.whitfield@example.com",
            MonthlyRent = LeaseSigningHarness.MonthlyRent,
            SecurityDeposit = LeaseSigningHarness.SecurityDeposit,
            LeaseStart = LeaseSigningHarness.LeaseStart,
            LeaseEnd = LeaseSigningHarness.LeaseEnd,
        });

        await lease.ShouldBeIn(x => x.AwaitingLeaseDocument);
        lease.Sent<HoldUnit>().ShouldHaveSingleItem();
        lease.Sent<RequestScreening>().ShouldHaveSingleItem();
        lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_ignore_a_repeated_screening_result_once_the_lease_has_moved_on()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingTenantSignature));

        await lease.Deliver(lease.Screening(approved: true));
        await lease.Deliver(lease.Screening(approved: false));

        await lease.ShouldBeIn(x => x.AwaitingTenantSignature);
        lease.Sent<PrepareLeaseDocument>().ShouldHaveSingleItem();
        lease.Sent<ReleaseUnitHold>().ShouldBeEmpty();
        lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_ignore_replies_that_arrive_after_the_lease_is_active()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.Active));

        await lease.Deliver(new TenantSigned { LeaseId = lease.LeaseId, EnvelopeId = LeaseSigningHarness.EnvelopeId, SignedAt = LeaseSigningHarness.Now });
        await lease.Deliver(new MoveInFundsReceived
        {
            LeaseId = lease.LeaseId,
            PaymentId = LeaseSigningHarness.PaymentId,
            Amount = LeaseSigningHarness.MoveInTotal,
            ReceivedAt = LeaseSigningHarness.Now,
        });
        await lease.PaymentFails("card_declined");
        await lease.Deliver(new AccessCodeIssued { LeaseId = lease.LeaseId, AccessCodeId = lease.AccessCodeId, IssuedAt = LeaseSigningHarness.Now });
        await lease.Deliver(new SignatureReminderDue { LeaseId = lease.LeaseId });
        await lease.Deliver(new LeaseOfferExpired { LeaseId = lease.LeaseId });

        await lease.ShouldBeIn(x => x.Active);
        lease.Sent<RequestLandlordCountersignature>().ShouldHaveSingleItem();
        lease.Sent<IssueAccessCode>().ShouldHaveSingleItem();
        lease.Emails(TenantEmail.MoveInPaymentFailed).ShouldBeEmpty();
        lease.Emails(TenantEmail.SignatureReminder).ShouldBeEmpty();
        lease.Emails(TenantEmail.MoveInFundsReceived).ShouldHaveSingleItem();
        lease.Emails(TenantEmail.Welcome).ShouldHaveSingleItem();
        lease.Sent<VoidLeaseSignatures>().ShouldBeEmpty();
        lease.Published<LeaseActivated>().ShouldHaveSingleItem();
        lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_send_the_signing_link_once_however_often_the_envelope_is_announced()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingTenantSignature));

        await lease.ConfirmEnvelopeSent();
        await lease.ConfirmEnvelopeSent();

        await lease.ShouldBeIn(x => x.AwaitingTenantSignature);
        lease.ShouldHaveEmailedOnce(TenantEmail.SigningLink, "signing-link", "SigningUrl", "OfferExpiresOn");
        lease.Lease.ShouldNotBeNull().SigningUrl.ShouldBe(LeaseSigningHarness.SigningUrl);
        lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_ignore_a_timeout_that_no_longer_belongs_to_the_lease()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingCountersignature));

        await lease.Deliver(new LeaseOfferExpired { LeaseId = lease.LeaseId });

        await lease.ShouldBeIn(x => x.AwaitingCountersignature);
        lease.Published<LeaseOfferLapsed>().ShouldBeEmpty();
        lease.NoMessageShouldHaveFaulted();
    }
}
