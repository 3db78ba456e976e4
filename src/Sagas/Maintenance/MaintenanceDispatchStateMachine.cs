using MassTransit;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Maintenance;

/// <summary>
/// Gets a work order done: triage, a vendor who accepts within the priority's deadline (up to the configured number
/// of vendors, then staff are paged), a visit window with a lock code valid for it, and the invoice, approved by staff
/// when it is above the property's spending limit. A vendor who does not come is replaced; staff can reassign or
/// cancel at any stage, and a cancellation revokes the code and tells the vendor. What each step records and sends is
/// in <see cref="MaintenanceDispatchSteps"/>.
/// </summary>
public sealed class MaintenanceDispatchStateMachine : MassTransitStateMachine<MaintenanceDispatchState>
{
    readonly TimeProvider _time;

    public MaintenanceDispatchStateMachine(MaintenanceDispatchOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();
        Options = options;
        _time = timeProvider;

        InstanceState(x => x.CurrentState);

        Event(() => RequestWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => VendorChosen, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => NoVendorAvailable, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => AcceptWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => DeclineWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => ProposeVisitWindow, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => VisitAccessCodeIssued, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => CompleteWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => ApproveWorkOrderInvoice, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => ReassignWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        Event(() => CancelWorkOrder, e => e.CorrelateById(m => m.Message.WorkOrderId));
        // Locks escalate the commands of leases too; those name no work order and are none of this saga's business.
        Event(() => LockCommandUnacknowledged, e =>
        {
            e.CorrelateById(m => m.Message.WorkOrderId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });

        // Both delays depend on the work order (its priority, its visit window), so each scheduling names its own.
        Schedule(() => AcceptanceDeadline, x => x.AcceptanceDeadlineTokenId,
            s => s.Received = e => e.CorrelateById(m => m.Message.WorkOrderId));
        Schedule(() => NoShowDeadline, x => x.NoShowDeadlineTokenId,
            s => s.Received = e => e.CorrelateById(m => m.Message.WorkOrderId));

        BeforeEnterAny(x => x.Then(context => context.Saga.LastTransitionAt = Now));

        Initially(
            When(RequestWorkOrder)
                .RecordRequest()
                .PublishOpened()
                .ChooseVendor()
                .TransitionTo(ChoosingVendor)
                .Progressed("Requested", context => $"{context.Saga.Priority} {context.Saga.Category}"));

        During(ChoosingVendor,
            When(VendorChosen, context => context.Saga.AnswersThisAttempt(context.Message.Attempt))
                .DispatchToTheChosenVendor()
                .TransitionTo(AwaitingAcceptance)
                .Progressed("Dispatched", context => context.Saga.VendorName),
            When(NoVendorAvailable, context => context.Saga.AnswersThisAttempt(context.Message.Attempt))
                .Escalate(context => context.Message.Reason));

        During(AwaitingAcceptance,
            When(AcceptWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId)
                                             && MaintenanceDispatchSteps.IsWindow(context.Message.VisitFrom, context.Message.VisitUntil))
                .RecordAcceptance()
                .ScheduleVisit(m => (m.VisitFrom.GetValueOrDefault(), m.VisitUntil.GetValueOrDefault()))
                .TransitionTo(Scheduled)
                .Progressed("Accepted", VisitWindow),
            When(AcceptWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId)
                                             && !MaintenanceDispatchSteps.IsWindow(context.Message.VisitFrom, context.Message.VisitUntil))
                .RecordAcceptance()
                .TransitionTo(AwaitingVisitWindow)
                .Progressed("Accepted", context => context.Saga.VendorName),
            // A vendor that reports the work done has plainly taken the job, whichever of its two calls arrives first.
            When(CompleteWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId))
                .Then(context => context.Saga.AcceptedAt = Now)
                .Complete(),
            When(DeclineWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId))
                .Then(context => context.Saga.VendorId = null)
                .TryTheNextVendor("Declined", context => context.Message.Reason),
            When(AcceptanceDeadline.Received)
                .WithdrawFromVendor("Not accepted in time")
                .TryTheNextVendor("AcceptanceTimedOut", _ => "Not accepted in time"));

        // The deadline belongs to the offer: accepted, declined, reassigned or cancelled, it no longer applies.
        WhenLeave(AwaitingAcceptance, x => x.Unschedule(AcceptanceDeadline));

        During(AwaitingVisitWindow,
            When(ProposeVisitWindow, context => context.Saga.IsFromTheVendor(context.Message.VendorId)
                                                && MaintenanceDispatchSteps.IsWindow(context.Message.VisitFrom, context.Message.VisitUntil))
                .ScheduleVisit(m => (m.VisitFrom, m.VisitUntil))
                .TransitionTo(Scheduled)
                .Progressed("VisitScheduled", VisitWindow),
            When(CompleteWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId))
                .Complete());

        During(Scheduled,
            When(ProposeVisitWindow, context => context.Saga.IsFromTheVendor(context.Message.VendorId)
                                                && MaintenanceDispatchSteps.IsWindow(context.Message.VisitFrom, context.Message.VisitUntil))
                .ScheduleVisit(m => (m.VisitFrom, m.VisitUntil))
                .Progressed("VisitRescheduled", VisitWindow),
            When(VisitAccessCodeIssued, context => context.Saga.AccessCodeRequestedAt.HasValue)
                .RecordAccessCode(),
            When(NoShowDeadline.Received)
                .RevokeAccessCode("The vendor did not come in the visit window")
                .WithdrawFromVendor("No-show")
                .TryTheNextVendor("NoShow", _ => "The vendor did not complete the visit in its window"),
            When(CompleteWorkOrder, context => context.Saga.IsFromTheVendor(context.Message.VendorId))
                .Complete());

        WhenLeave(Scheduled, x => x.Unschedule(NoShowDeadline));

        During(AwaitingApproval,
            When(ApproveWorkOrderInvoice)
                .Then(context => context.Saga.ApprovedBy = context.Message.ApprovedBy)
                .Close()
                .TransitionTo(Completed)
                .Progressed("InvoiceApproved", context => $"Approved by {context.Message.ApprovedBy}"));

        During([ChoosingVendor, AwaitingAcceptance, AwaitingVisitWindow, Scheduled, AwaitingStaff],
            When(ReassignWorkOrder)
                .RevokeAccessCode("Reassigned by staff")
                .WithdrawFromVendor("Reassigned by staff")
                .Then(context =>
                {
                    context.Saga.VendorsTried.Clear();
                    context.Saga.PreferredVendorId = context.Message.VendorId;
                    context.Saga.VisitFrom = null;
                    context.Saga.VisitUntil = null;
                })
                .ChooseVendor()
                .TransitionTo(ChoosingVendor)
                .Progressed("Reassigned", context => $"By {context.Message.ReassignedBy}"));

        // What a cancellation undoes follows from the record (a code asked for, a vendor holding the job), not from
        // the stage, so no stage can forget to undo something.
        During([ChoosingVendor, AwaitingAcceptance, AwaitingVisitWindow, Scheduled, AwaitingStaff, AwaitingApproval],
            When(CancelWorkOrder)
                .RevokeAccessCode(context => context.Message.Reason)
                .WithdrawFromVendor(context => context.Message.Reason)
                .PublishCancelled()
                .TransitionTo(Cancelled)
                .Progressed("Cancelled", context => context.Message.Reason));

        // A lock that never confirmed a visit code (or its revocation) needs a person at the door: staff are paged once per
        // command and the timeline shows it; the work order itself goes on, since its deadlines already bound the wait.
        DuringAny(
            When(LockCommandUnacknowledged, context => !context.Saga.UnacknowledgedLockCommands.Contains(context.Message.CommandId))
                .PageStaffAboutTheLock()
                .Progressed("LockUnacknowledged", context => $"{context.Message.Command} after {context.Message.Attempts} attempt(s)"));

        // Delivery is at least once, vendors repeat themselves and replies can come after the work order moved on;
        // a stage with no use for a message drops it.
        DuringAny(
            Ignore(RequestWorkOrder), Ignore(VendorChosen), Ignore(NoVendorAvailable), Ignore(AcceptWorkOrder),
            Ignore(DeclineWorkOrder), Ignore(ProposeVisitWindow), Ignore(VisitAccessCodeIssued), Ignore(CompleteWorkOrder),
            Ignore(ApproveWorkOrderInvoice), Ignore(ReassignWorkOrder), Ignore(CancelWorkOrder),
            Ignore(LockCommandUnacknowledged), Ignore(AcceptanceDeadline.Received), Ignore(NoShowDeadline.Received));
    }

    public State ChoosingVendor { get; private set; } = null!;
    public State AwaitingAcceptance { get; private set; } = null!;
    public State AwaitingVisitWindow { get; private set; } = null!;
    public State Scheduled { get; private set; } = null!;
    public State AwaitingStaff { get; private set; } = null!;
    public State AwaitingApproval { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<RequestWorkOrder> RequestWorkOrder { get; private set; } = null!;
    public Event<VendorChosen> VendorChosen { get; private set; } = null!;
    public Event<NoVendorAvailable> NoVendorAvailable { get; private set; } = null!;
    public Event<AcceptWorkOrder> AcceptWorkOrder { get; private set; } = null!;
    public Event<DeclineWorkOrder> DeclineWorkOrder { get; private set; } = null!;
    public Event<ProposeVisitWindow> ProposeVisitWindow { get; private set; } = null!;
    public Event<VisitAccessCodeIssued> VisitAccessCodeIssued { get; private set; } = null!;
    public Event<CompleteWorkOrder> CompleteWorkOrder { get; private set; } = null!;
    public Event<ApproveWorkOrderInvoice> ApproveWorkOrderInvoice { get; private set; } = null!;
    public Event<ReassignWorkOrder> ReassignWorkOrder { get; private set; } = null!;
    public Event<CancelWorkOrder> CancelWorkOrder { get; private set; } = null!;
    public Event<LockCommandUnacknowledged> LockCommandUnacknowledged { get; private set; } = null!;

    public Schedule<MaintenanceDispatchState, VendorAcceptanceDeadlinePassed> AcceptanceDeadline { get; private set; } = null!;
    public Schedule<MaintenanceDispatchState, VisitNoShowDeadlinePassed> NoShowDeadline { get; private set; } = null!;

    internal MaintenanceDispatchOptions Options { get; }

    internal DateTimeOffset Now => _time.GetUtcNow();

    static string VisitWindow<T>(BehaviorContext<MaintenanceDispatchState, T> context)
        where T : class =>
        $"Visit {context.Saga.VisitFrom:u} – {context.Saga.VisitUntil:u}";
}
