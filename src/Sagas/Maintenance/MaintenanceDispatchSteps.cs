using MassTransit;
using Orchestration.Messages;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Maintenance;

/// <summary>
/// The work of each step of <see cref="MaintenanceDispatchStateMachine"/>: what it records on the work order and the
/// messages it sends or publishes, so the state machine reads as the dispatch policy.
/// </summary>
static class MaintenanceDispatchSteps
{
    public static EventActivityBinder<MaintenanceDispatchState, RequestWorkOrder> RecordRequest(
        this EventActivityBinder<MaintenanceDispatchState, RequestWorkOrder> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            var (order, request) = (context.Saga, context.Message);
            order.PropertyId = request.PropertyId;
            order.UnitId = request.UnitId;
            order.Source = request.Source;
            order.Category = request.Category.Trim().ToLowerInvariant();
            order.Description = request.Description;
            order.ServiceArea = request.ServiceArea;
            order.RequestedBy = request.RequestedBy;
            order.Alarm = request.Alarm;
            order.TenantName = request.TenantName;
            order.TenantEmail = request.TenantEmail;
            order.Priority = WorkOrderTriage.Classify(request.Category, request.Description, request.Alarm);
            var limit = request.SpendingLimit
                ?? new Money(machine.Options.DefaultSpendingLimit, machine.Options.DefaultSpendingLimitCurrency);
            order.SpendingLimitAmount = limit.Amount;
            order.SpendingLimitCurrency = limit.Currency;
            order.RequestedAt = machine.Now;
        });
    }

    public static EventActivityBinder<MaintenanceDispatchState, RequestWorkOrder> PublishOpened(
        this EventActivityBinder<MaintenanceDispatchState, RequestWorkOrder> binder) =>
        binder.Publish(context => new WorkOrderOpened
        {
            WorkOrderId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            Source = context.Saga.Source,
            Category = context.Saga.Category,
            Priority = context.Saga.Priority,
            OpenedAt = context.Saga.RequestedAt.GetValueOrDefault(),
        });

    /// <summary>Asks the registry for a vendor not tried yet; a new attempt, so a late answer to an earlier one is recognised.</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> ChooseVendor<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder)
        where T : class =>
        binder
            .Then(context =>
            {
                context.Saga.Attempt++;
                context.Saga.VendorId = null;
                context.Saga.VendorName = null;
                context.Saga.DispatchEventId = null;
                context.Saga.AcceptBy = null;
            })
            .Send(context => new ChooseVendor
            {
                WorkOrderId = context.Saga.CorrelationId,
                Attempt = context.Saga.Attempt,
                Trade = context.Saga.Category,
                ServiceArea = context.Saga.ServiceArea,
                Excluding = [.. context.Saga.VendorsTried],
                PreferredVendorId = context.Saga.PreferredVendorId,
            });

    public static bool AnswersThisAttempt(this MaintenanceDispatchState order, int attempt) => order.Attempt == attempt;

    public static bool IsFromTheVendor(this MaintenanceDispatchState order, Guid vendorId) => order.VendorId == vendorId;

    public static bool VendorsLeft(this MaintenanceDispatchState order, MaintenanceDispatchOptions options) =>
        order.VendorsTried.Count < options.MaxVendors;

    public static EventActivityBinder<MaintenanceDispatchState, VendorChosen> DispatchToTheChosenVendor(
        this EventActivityBinder<MaintenanceDispatchState, VendorChosen> binder)
    {
        var machine = binder.Machine();
        return binder
            .Then(context =>
            {
                var order = context.Saga;
                order.VendorId = context.Message.VendorId;
                order.VendorName = context.Message.VendorName;
                order.PreferredVendorId = null;
                if (!order.VendorsTried.Contains(context.Message.VendorId))
                    order.VendorsTried.Add(context.Message.VendorId);
                order.DispatchEventId = NewId.NextGuid();
                order.AcceptBy = machine.Now + machine.Options.AcceptanceDeadline(order.Priority);
            })
            .Send(context => new DispatchToVendor
            {
                WorkOrderId = context.Saga.CorrelationId,
                VendorId = context.Saga.VendorId.GetValueOrDefault(),
                EventId = context.Saga.DispatchEventId.GetValueOrDefault(),
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                Priority = context.Saga.Priority,
                Category = context.Saga.Category,
                Description = context.Saga.Description,
                AcceptBy = context.Saga.AcceptBy.GetValueOrDefault(),
            })
            .Schedule(machine.AcceptanceDeadline,
                context => new VendorAcceptanceDeadlinePassed { WorkOrderId = context.Saga.CorrelationId },
                context => machine.Options.AcceptanceDeadline(context.Saga.Priority));
    }

    /// <summary>Tells the current vendor, if there is one, that the job is no longer theirs.</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> WithdrawFromVendor<T>(
        this EventActivityBinder<MaintenanceDispatchState, T> binder, Func<BehaviorContext<MaintenanceDispatchState, T>, string> reason)
        where T : class =>
        binder.If(context => context.Saga.VendorId.HasValue, x => x
            .Send(context => new WithdrawDispatch
            {
                WorkOrderId = context.Saga.CorrelationId,
                VendorId = context.Saga.VendorId.GetValueOrDefault(),
                EventId = NewId.NextGuid(),
                Reason = reason(context),
            })
            .Then(context =>
            {
                context.Saga.VendorId = null;
                context.Saga.VendorName = null;
            }));

    public static EventActivityBinder<MaintenanceDispatchState, T> WithdrawFromVendor<T>(
        this EventActivityBinder<MaintenanceDispatchState, T> binder, string reason)
        where T : class =>
        binder.WithdrawFromVendor(_ => reason);

    public static EventActivityBinder<MaintenanceDispatchState, AcceptWorkOrder> RecordAcceptance(
        this EventActivityBinder<MaintenanceDispatchState, AcceptWorkOrder> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context => context.Saga.AcceptedAt = machine.Now);
    }

    public static bool IsWindow(DateTimeOffset? from, DateTimeOffset? until) => from.HasValue && until.HasValue && until > from;

    /// <summary>
    /// Fixes the visit window: a lock code valid for exactly that window is asked for (any earlier window's code revoked
    /// first), and the no-show deadline set for the window's end plus the grace period.
    /// </summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> ScheduleVisit<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder,
        Func<T, (DateTimeOffset From, DateTimeOffset Until)> window)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .RevokeAccessCode("The visit window changed")
            .Then(context =>
            {
                (context.Saga.VisitFrom, context.Saga.VisitUntil) = window(context.Message);
                context.Saga.AccessCodeRequestedAt = machine.Now;
            })
            .Send(context => new IssueVisitAccessCode
            {
                WorkOrderId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                VendorId = context.Saga.VendorId.GetValueOrDefault(),
                ValidFrom = context.Saga.VisitFrom.GetValueOrDefault(),
                ValidUntil = context.Saga.VisitUntil.GetValueOrDefault(),
            })
            .Schedule(machine.NoShowDeadline,
                context => new VisitNoShowDeadlinePassed { WorkOrderId = context.Saga.CorrelationId },
                context => Later(context.Saga.VisitUntil.GetValueOrDefault() + machine.Options.NoShowGrace - machine.Now));
    }

    public static EventActivityBinder<MaintenanceDispatchState, VisitAccessCodeIssued> RecordAccessCode(
        this EventActivityBinder<MaintenanceDispatchState, VisitAccessCodeIssued> binder) =>
        binder.Then(context => context.Saga.AccessCodeId = context.Message.AccessCodeId);

    /// <summary>Revokes the visit code if one was asked for, confirmed or not, and forgets it.</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> RevokeAccessCode<T>(
        this EventActivityBinder<MaintenanceDispatchState, T> binder, Func<BehaviorContext<MaintenanceDispatchState, T>, string> reason)
        where T : class =>
        binder.If(context => context.Saga.AccessCodeRequestedAt.HasValue, x => x
            .Send(context => new RevokeVisitAccessCode
            {
                WorkOrderId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                AccessCodeId = context.Saga.AccessCodeId,
                Reason = reason(context),
            })
            .Then(context =>
            {
                context.Saga.AccessCodeRequestedAt = null;
                context.Saga.AccessCodeId = null;
            }));

    public static EventActivityBinder<MaintenanceDispatchState, T> RevokeAccessCode<T>(
        this EventActivityBinder<MaintenanceDispatchState, T> binder, string reason)
        where T : class =>
        binder.RevokeAccessCode(_ => reason);

    public static EventActivityBinder<MaintenanceDispatchState, CompleteWorkOrder> RecordInvoice(
        this EventActivityBinder<MaintenanceDispatchState, CompleteWorkOrder> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            context.Saga.InvoiceNumber = context.Message.InvoiceNumber;
            context.Saga.InvoiceAmount = context.Message.InvoiceAmount.Amount;
            context.Saga.InvoiceCurrency = context.Message.InvoiceAmount.Currency;
            context.Saga.CompletedAt = machine.Now;
        });
    }

    /// <summary>An invoice in another currency than the limit cannot be compared with it, so it needs approval too.</summary>
    public static bool IsWithinSpendingLimit(this MaintenanceDispatchState order) =>
        order.InvoiceCurrency == order.SpendingLimitCurrency && order.InvoiceAmount <= order.SpendingLimitAmount;

    /// <summary>The vendor bill, the tenant's feedback request and the announcement that the work order is done.</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> Close<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .Send(context => new RecordVendorBill
            {
                WorkOrderId = context.Saga.CorrelationId,
                VendorId = context.Saga.VendorId.GetValueOrDefault(),
                PropertyId = context.Saga.PropertyId,
                InvoiceNumber = context.Saga.InvoiceNumber ?? string.Empty,
                Amount = Invoice(context.Saga),
                IdempotencyKey = $"work-order-{context.Saga.CorrelationId:N}-bill",
            })
            .If(context => context.Saga.TenantEmail is not null, x => x
                .Send(context => new RequestWorkOrderFeedback
                {
                    WorkOrderId = context.Saga.CorrelationId,
                    RecipientName = context.Saga.TenantName ?? string.Empty,
                    RecipientEmail = context.Saga.TenantEmail ?? string.Empty,
                    DeduplicationKey = $"work-order-{context.Saga.CorrelationId:N}-feedback",
                }))
            .Then(context => context.Saga.ClosedAt = machine.Now)
            .Publish(context => new WorkOrderCompleted
            {
                WorkOrderId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                VendorId = context.Saga.VendorId.GetValueOrDefault(),
                InvoiceAmount = Invoice(context.Saga),
                CompletedAt = context.Saga.CompletedAt.GetValueOrDefault(),
            });
    }

    /// <summary>
    /// After a decline, a lapsed deadline or a no-show: the next eligible vendor while fewer than the maximum have been
    /// tried, otherwise staff are paged. <paramref name="step"/> names what happened to the last vendor.
    /// </summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> TryTheNextVendor<T>(
        this EventActivityBinder<MaintenanceDispatchState, T> binder, string step,
        Func<BehaviorContext<MaintenanceDispatchState, T>, string> detail)
        where T : class
    {
        var machine = binder.Machine();
        return binder.IfElse(context => context.Saga.VendorsLeft(machine.Options),
            next => next
                .ChooseVendor()
                .TransitionTo(machine.ChoosingVendor)
                .Progressed(step, detail),
            none => none
                .Progressed(step, detail)
                .Escalate(context => $"{context.Saga.VendorsTried.Count} vendor(s) tried, none took the job"));
    }

    /// <summary>No vendor will take the job: staff are paged and decide (reassign or cancel).</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> Escalate<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder,
        Func<BehaviorContext<MaintenanceDispatchState, T>, string> reason)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .PageStaff(context => $"escalated-{context.Saga.Attempt}", reason)
            .TransitionTo(machine.AwaitingStaff)
            .Progressed("Escalated", reason);
    }

    /// <summary>
    /// The vendor reports the work done: the code is revoked at once; the bill is recorded when the invoice is within the
    /// property's limit, otherwise staff are paged to approve it first.
    /// </summary>
    public static EventActivityBinder<MaintenanceDispatchState, CompleteWorkOrder> Complete(
        this EventActivityBinder<MaintenanceDispatchState, CompleteWorkOrder> binder)
    {
        var machine = binder.Machine();
        return binder
            .RecordInvoice()
            .RevokeAccessCode("Work completed")
            .IfElse(context => context.Saga.IsWithinSpendingLimit(),
                within => within
                    .Close()
                    .TransitionTo(machine.Completed)
                    .Progressed("Completed", context => $"Invoice {context.Message.InvoiceNumber}"),
                above => above
                    .PageStaff(_ => "invoice-approval",
                        context => $"Invoice {context.Message.InvoiceNumber} is above the property's spending limit")
                    .TransitionTo(machine.AwaitingApproval)
                    .Progressed("AwaitingApproval", context => $"Invoice {context.Message.InvoiceNumber}"));
    }

    /// <summary>Emails the staff on call; <paramref name="occasion"/> names what for, so each occasion pages once.</summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> PageStaff<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder,
        Func<BehaviorContext<MaintenanceDispatchState, T>, string> occasion, Func<BehaviorContext<MaintenanceDispatchState, T>, string> reason)
        where T : class =>
        binder.Send(context => new PageMaintenanceStaff
        {
            WorkOrderId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            Priority = context.Saga.Priority,
            Reason = reason(context),
            DeduplicationKey = $"work-order-{context.Saga.CorrelationId:N}-{occasion(context)}",
        });

    /// <summary>
    /// The lock did not confirm a command: a code the vendor cannot use, or one that may still open the door. The
    /// command's id names the occasion, so a repeated escalation pages once.
    /// </summary>
    public static EventActivityBinder<MaintenanceDispatchState, LockCommandUnacknowledged> PageStaffAboutTheLock(
        this EventActivityBinder<MaintenanceDispatchState, LockCommandUnacknowledged> binder) =>
        binder.Then(context => context.Saga.UnacknowledgedLockCommands.Add(context.Message.CommandId)).PageStaff(context => $"lock-{context.Message.CommandId:N}", context => context.Message.Command == "revoke-code"
            ? $"The lock of the unit did not confirm that the visit code was revoked after {context.Message.Attempts} attempts; it may still open the door."
            : $"The lock of the unit did not confirm the vendor's visit code after {context.Message.Attempts} attempts; the vendor may not get in.");

    public static EventActivityBinder<MaintenanceDispatchState, CancelWorkOrder> PublishCancelled(
        this EventActivityBinder<MaintenanceDispatchState, CancelWorkOrder> binder)
    {
        var machine = binder.Machine();
        return binder
            .Publish(context => new WorkOrderCancelled
            {
                WorkOrderId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                Reason = context.Message.Reason,
                CancelledBy = context.Message.CancelledBy,
                CancelledDuring = context.Saga.CurrentState,
                CancelledAt = machine.Now,
            })
            .Then(context => context.Saga.ClosedAt = machine.Now);
    }

    /// <summary>
    /// Counts one more step of the work order and publishes it; placed after the step's transition, so it names the stage
    /// the work order is in now. It commits with the saga's state, so the timeline and the record always agree.
    /// </summary>
    public static EventActivityBinder<MaintenanceDispatchState, T> Progressed<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder,
        string step, Func<BehaviorContext<MaintenanceDispatchState, T>, string?>? detail = null)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .Then(context => context.Saga.ProgressSequence++)
            .Publish(context => new WorkOrderProgressed
            {
                WorkOrderId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                State = context.Saga.CurrentState,
                Step = step,
                Sequence = context.Saga.ProgressSequence,
                OccurredAt = machine.Now,
                Detail = detail?.Invoke(context),
            });
    }

    static Money Invoice(MaintenanceDispatchState order) => new(order.InvoiceAmount.GetValueOrDefault(), order.InvoiceCurrency ?? string.Empty);

    // A window that has already ended still gets its deadline, at once rather than never.
    static TimeSpan Later(TimeSpan delay) => delay > TimeSpan.Zero ? delay : TimeSpan.Zero;

    // Every binder of the work-order state belongs to the one machine for it, which holds the options and the clock.
    static MaintenanceDispatchStateMachine Machine<T>(this EventActivityBinder<MaintenanceDispatchState, T> binder)
        where T : class =>
        (MaintenanceDispatchStateMachine)binder.StateMachine;
}
