using Orchestration.Messages.Billing;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;
using Orchestration.Messages.Maintenance;
using Orchestration.Messages.Notifications;
using Orchestration.Messages.Operations;

namespace Orchestration.Messages;

/// <summary>
/// The queue that owns each command. Commands are sent, never published, so each has exactly one handler; events
/// are published to whoever subscribes.
/// </summary>
public static class CommandRoutes
{
    public const string LeaseSigning = "lease-signing-state";
    public const string Screening = "leasing-screening";
    public const string ESignature = "leasing-esignature";
    public const string UnitHolds = "leasing-unit-holds";
    public const string MoveInPayments = "billing-move-in-payments";
    public const string DeviceCommands = "devices-commands";
    public const string Notifications = "notifications";
    public const string RentCollection = "rent-collection-state";
    public const string RentPayments = "billing-rent-payments";
    public const string Ledger = "billing-ledger";
    public const string RentRuns = "billing-rent-runs";
    public const string RentNotices = "billing-rent-notices";
    public const string MaintenanceDispatch = "maintenance-dispatch-state";
    public const string VendorChoice = "maintenance-vendor-choice";
    public const string VendorDispatch = "maintenance-vendor-dispatch";
    public const string VendorWebhooks = "maintenance-vendor-webhooks";
    public const string VendorRegistry = "maintenance-vendor-registry";
    public const string VendorBills = "billing-vendor-bills";
    public const string Reconciliation = "billing-reconciliation";
    public const string FailedMessages = "operations-failed-messages";

    public static readonly IReadOnlyDictionary<Type, string> Queues = new Dictionary<Type, string>
    {
        [typeof(SubmitLeaseApplication)] = LeaseSigning,
        [typeof(CancelLease)] = LeaseSigning,
        [typeof(RequestScreening)] = Screening,
        [typeof(PrepareLeaseDocument)] = ESignature,
        [typeof(RequestTenantSignature)] = ESignature,
        [typeof(RequestLandlordCountersignature)] = ESignature,
        [typeof(VoidLeaseSignatures)] = ESignature,
        [typeof(HoldUnit)] = UnitHolds,
        [typeof(ReleaseUnitHold)] = UnitHolds,
        [typeof(RequestMoveInFunds)] = MoveInPayments,
        [typeof(CancelMoveInFundsRequest)] = MoveInPayments,
        [typeof(RefundMoveInFunds)] = MoveInPayments,
        [typeof(IssueAccessCode)] = DeviceCommands,
        [typeof(RevokeAccessCode)] = DeviceCommands,
        [typeof(RegisterDevice)] = DeviceCommands,
        [typeof(SendTenantEmail)] = Notifications,
        [typeof(RequestRentPayment)] = RentPayments,
        [typeof(TurnOffAutopay)] = RentPayments,
        [typeof(SendRentNotice)] = RentNotices,
        [typeof(StartRentRun)] = RentRuns,
        [typeof(SetLateFeePolicy)] = RentRuns,
        [typeof(SetLeaseRentSettings)] = RentRuns,
        [typeof(RefundRefusedRentPayment)] = RentPayments,
        [typeof(RefundLeaseCredit)] = RentPayments,
        [typeof(SettleLeaseCreditRefund)] = RentPayments,
        [typeof(RecordLedgerEntry)] = Ledger,
        [typeof(AssessLateFees)] = Ledger,
        [typeof(RequestWorkOrder)] = MaintenanceDispatch,
        [typeof(AcceptWorkOrder)] = MaintenanceDispatch,
        [typeof(DeclineWorkOrder)] = MaintenanceDispatch,
        [typeof(ProposeVisitWindow)] = MaintenanceDispatch,
        [typeof(CompleteWorkOrder)] = MaintenanceDispatch,
        [typeof(ReassignWorkOrder)] = MaintenanceDispatch,
        [typeof(CancelWorkOrder)] = MaintenanceDispatch,
        [typeof(ApproveWorkOrderInvoice)] = MaintenanceDispatch,
        [typeof(ChooseVendor)] = VendorChoice,
        [typeof(DispatchToVendor)] = VendorDispatch,
        [typeof(WithdrawDispatch)] = VendorDispatch,
        [typeof(DeliverVendorWebhook)] = VendorWebhooks,
        [typeof(RegisterVendor)] = VendorRegistry,
        [typeof(UpdateVendorCompliance)] = VendorRegistry,
        [typeof(IssueVendorApiKey)] = VendorRegistry,
        [typeof(RevokeVendorApiKey)] = VendorRegistry,
        [typeof(IssueVisitAccessCode)] = DeviceCommands,
        [typeof(RevokeVisitAccessCode)] = DeviceCommands,
        [typeof(RecordVendorBill)] = VendorBills,
        [typeof(StartReconciliationRun)] = Reconciliation,
        [typeof(PageMaintenanceStaff)] = Notifications,
        [typeof(SendOperatorAlert)] = Notifications,
        [typeof(RequestWorkOrderFeedback)] = Notifications,
        [typeof(RetryFailedMessages)] = FailedMessages,
        [typeof(ArchiveFailedMessages)] = FailedMessages,
        [typeof(EditAndRetryFailedMessage)] = FailedMessages,
    };
}
