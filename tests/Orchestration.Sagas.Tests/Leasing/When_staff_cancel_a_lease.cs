using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_staff_cancel_a_lease
{
    const string Reason = "Unit flooded; not habitable by the start date";

    const string Void = nameof(VoidLeaseSignatures);
    const string WithdrawFunds = nameof(CancelMoveInFundsRequest);
    const string Refund = nameof(RefundMoveInFunds);
    const string Revoke = nameof(RevokeAccessCode);
    const string Release = nameof(ReleaseUnitHold);

    /// <summary>
    /// A lease played forward to <paramref name="stage"/>, through <paramref name="then"/> when given, and cancelled there by
    /// staff, once the saga is done with it.
    /// </summary>
    static async Task<LeaseSigningHarness> CancelledIn(string stage, Func<LeaseSigningHarness, Task>? then = null)
    {
        var lease = await LeaseSigningHarness.Start();
        try
        {
            await lease.AdvanceTo(stage);
            if (then is not null)
                await then(lease);
            await lease.Cancel(Reason);
            await lease.ShouldBeFinished();
            return lease;
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    public static TheoryData<string, string[]> CompensationByStage => new()
    {
        { nameof(LeaseSigningStateMachine.AwaitingScreening), [Release] },
        { nameof(LeaseSigningStateMachine.AwaitingLeaseDocument), [Release] },
        { nameof(LeaseSigningStateMachine.AwaitingTenantSignature), [Void, Release] },
        { nameof(LeaseSigningStateMachine.AwaitingCountersignature), [Void, Release] },
        { nameof(LeaseSigningStateMachine.AwaitingMoveInFunds), [Void, WithdrawFunds, Release] },
        { nameof(LeaseSigningStateMachine.AwaitingAccessCode), [Void, Refund, Revoke, Release] },
    };

    [Theory]
    [MemberData(nameof(CompensationByStage))]
    public async Task Should_undo_exactly_what_has_happened_so_far(string stage, string[] expected)
    {
        await using var lease = await CancelledIn(stage);

        var compensations = new Dictionary<string, int>
        {
            [Void] = lease.Sent<VoidLeaseSignatures>().Count,
            [WithdrawFunds] = lease.Sent<CancelMoveInFundsRequest>().Count,
            [Refund] = lease.Sent<RefundMoveInFunds>().Count,
            [Revoke] = lease.Sent<RevokeAccessCode>().Count,
            [Release] = lease.Sent<ReleaseUnitHold>().Count,
        };
        compensations.Where(x => x.Value > 0).Select(x => x.Key).ShouldBe(expected, ignoreOrder: true);
        compensations.Values.ShouldAllBe(count => count <= 1);

        var cancelled = lease.Published<LeaseCancelled>().ShouldHaveSingleItem();
        cancelled.CancelledDuring.ShouldBe(stage);
        cancelled.Reason.ShouldBe(Reason);
        cancelled.CancelledBy.ShouldBe("ops.kim");
        cancelled.CancelledAt.ShouldBe(LeaseSigningHarness.Now);

        lease.ShouldHaveEmailedOnce(TenantEmail.LeaseCancelled, "cancelled", "Reason").Values["Reason"].ShouldBe(Reason);

        lease.Published<LeaseActivated>().ShouldBeEmpty();
        lease.NoMessageShouldHaveFaulted();
    }

    public static TheoryData<string> CancellableStages => new(CompensationByStage.Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(CancellableStages))]
    public async Task Should_announce_the_cancellation_as_the_last_step(string stage)
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(stage);
        var before = lease.Progress();

        await lease.Cancel(Reason);
        await lease.ShouldBeFinished();

        var progress = lease.Progress();
        progress.Count.ShouldBe(before.Count + 1);
        progress.Select(x => x.Sequence).ShouldBe(Enumerable.Range(1, progress.Count));
        progress[^2].State.ShouldBe(stage);
        var cancelled = progress[^1];
        cancelled.Step.ShouldBe("LeaseCancelled");
        cancelled.State.ShouldBe(LeaseSigningStates.Cancelled);
        cancelled.Detail.ShouldBe(Reason);
        cancelled.OccurredAt.ShouldBe(LeaseSigningHarness.Now);
    }

    [Fact]
    public async Task Should_refund_what_was_collected_and_revoke_the_code_for_the_lease()
    {
        await using var lease = await CancelledIn(nameof(LeaseSigningStateMachine.AwaitingAccessCode));

        var refund = lease.Sent<RefundMoveInFunds>().ShouldHaveSingleItem();
        refund.PaymentId.ShouldBe(LeaseSigningHarness.PaymentId);
        refund.Amount.ShouldBe(LeaseSigningHarness.MoveInTotal);
        refund.IdempotencyKey.ShouldBe($"lease-{lease.LeaseId:N}-move-in-refund");
        refund.Reason.ShouldBe(Reason);

        var revoke = lease.Sent<RevokeAccessCode>().ShouldHaveSingleItem();
        revoke.UnitId.ShouldBe(lease.UnitId);
        revoke.AccessCodeId.ShouldBeNull();
    }

    [Fact]
    public async Task Should_withdraw_the_open_funds_request_under_its_own_key()
    {
        await using var lease = await CancelledIn(
            nameof(LeaseSigningStateMachine.AwaitingMoveInFunds), then: declined => declined.PaymentFails("card_declined"));

        var withdraw = lease.Sent<CancelMoveInFundsRequest>().ShouldHaveSingleItem();
        withdraw.IdempotencyKey.ShouldBe(lease.Sent<RequestMoveInFunds>().ShouldHaveSingleItem().IdempotencyKey);
        lease.Sent<RefundMoveInFunds>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_void_the_envelope_even_before_the_provider_has_confirmed_it()
    {
        await using var lease = await CancelledIn(nameof(LeaseSigningStateMachine.AwaitingTenantSignature));

        var voided = lease.Sent<VoidLeaseSignatures>().ShouldHaveSingleItem();
        voided.LeaseId.ShouldBe(lease.LeaseId);
        voided.EnvelopeId.ShouldBeNull();
    }

    [Fact]
    public async Task Should_leave_an_active_lease_alone()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.Active));

        await lease.Cancel(Reason);
        (await lease.Saga.Consumed.Any<CancelLease>()).ShouldBeTrue();

        await lease.ShouldBeIn(x => x.Active);
        lease.Progress()[^1].State.ShouldBe(LeaseSigningStates.Active);
        lease.Published<LeaseCancelled>().ShouldBeEmpty();
        lease.Emails(TenantEmail.LeaseCancelled).ShouldBeEmpty();
        lease.Sent<ReleaseUnitHold>().ShouldBeEmpty();
        lease.Sent<RefundMoveInFunds>().ShouldBeEmpty();
        lease.NoMessageShouldHaveFaulted();
    }
}
