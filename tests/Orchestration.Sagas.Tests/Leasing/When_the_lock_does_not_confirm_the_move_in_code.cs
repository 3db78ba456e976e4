using MassTransit;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Notifications;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public sealed class When_the_lock_does_not_confirm_the_move_in_code
{
    static LeaseSigningOptions WithStaff
    {
        get
        {
            var options = LeaseSigningHarness.TimeoutsOutOfTheWay;
            options.StaffEmails = ["leasing@example.test", "manager@example.test"];
            return options;
        }
    }

    static LockCommandUnacknowledged Escalation(LeaseSigningHarness lease, Guid commandId, string command = "issue-code", Guid? leaseId = null) => new()
    {
        CommandId = commandId, DeviceId = NewId.NextGuid(), LeaseId = leaseId ?? lease.LeaseId, Command = command, Attempts = 3,
        EscalatedAt = LeaseSigningHarness.Now.AddDays(3),
    };

    [Fact]
    public async Task Should_tell_staff_once_show_it_on_the_timeline_and_keep_the_lease_waiting_for_a_confirmed_code()
    {
        await using var lease = await LeaseSigningHarness.Start(WithStaff);
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingAccessCode));
        var commandId = NewId.NextGuid();

        await lease.Deliver(Escalation(lease, commandId));
        await lease.Deliver(Escalation(lease, commandId));

        var alert = lease.Sent<SendOperatorAlert>().ShouldHaveSingleItem("a redelivered escalation tells staff nothing twice");
        alert.AlertId.ShouldBe(commandId);
        alert.Kind.ShouldBe("access-code-unconfirmed");
        alert.Recipients.ShouldBe(["leasing@example.test", "manager@example.test"]);
        lease.Progress().Count(p => p.Step == "AccessCodeUnconfirmed").ShouldBe(1);
        await lease.ShouldBeIn(x => x.AwaitingAccessCode);
        lease.Published<Orchestration.Messages.Leasing.LeaseActivated>().ShouldBeEmpty("no code the lock confirmed, no move-in");

        await lease.AccessCodeIssued();
        lease.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_show_it_on_the_timeline_only_when_no_staff_address_is_set()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingAccessCode));

        await lease.Deliver(Escalation(lease, NewId.NextGuid()));

        lease.Progress().Count(p => p.Step == "AccessCodeUnconfirmed").ShouldBe(1);
        lease.Sent<SendOperatorAlert>().ShouldBeEmpty();
        await lease.ShouldBeIn(x => x.AwaitingAccessCode);
    }

    [Fact]
    public async Task Should_leave_an_active_lease_alone()
    {
        await using var lease = await LeaseSigningHarness.Start(WithStaff);
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.Active));

        await lease.Deliver(Escalation(lease, NewId.NextGuid(), "revoke-code"));

        lease.Sent<SendOperatorAlert>().ShouldBeEmpty();
        lease.Progress().ShouldNotContain(p => p.Step == "AccessCodeUnconfirmed");
        lease.NoMessageShouldHaveFaulted();
    }
}
