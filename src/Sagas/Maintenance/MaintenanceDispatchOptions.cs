using Orchestration.Messages;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Maintenance;

public sealed class MaintenanceDispatchOptions
{
    /// <summary>How long a vendor has to accept an emergency before the next vendor is tried.</summary>
    public TimeSpan EmergencyAcceptance { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan UrgentAcceptance { get; set; } = TimeSpan.FromHours(2);

    public TimeSpan RoutineAcceptance { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Vendors tried for one work order before staff are paged.</summary>
    public int MaxVendors { get; set; } = 3;

    /// <summary>How long after the visit window ends an uncompleted visit counts as a no-show and is dispatched again.</summary>
    public TimeSpan NoShowGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The spending limit of a property that names none; an invoice above it waits for staff approval.</summary>
    public decimal DefaultSpendingLimit { get; set; } = 500m;

    public string DefaultSpendingLimitCurrency { get; set; } = "USD";

    public TimeSpan AcceptanceDeadline(WorkOrderPriority priority) => priority switch
    {
        WorkOrderPriority.Emergency => EmergencyAcceptance,
        WorkOrderPriority.Urgent => UrgentAcceptance,
        _ => RoutineAcceptance,
    };

    /// <summary>Refuses settings the saga could not keep, so a host fails at start-up rather than at the first work order.</summary>
    public void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(EmergencyAcceptance, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UrgentAcceptance, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RoutineAcceptance, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxVendors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(NoShowGrace, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(DefaultSpendingLimit);
        if (!Money.IsCurrencyCode(DefaultSpendingLimitCurrency))
            throw new ArgumentException($"'{DefaultSpendingLimitCurrency}' is not a currency code.", nameof(DefaultSpendingLimitCurrency));
    }
}
