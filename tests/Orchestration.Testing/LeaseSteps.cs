using Orchestration.Messages.Leasing;

namespace Orchestration.Testing;

/// <summary>
/// The steps the lease-signing saga announces on a lease's way from application to Active, each with the state it leaves
/// the lease in: what the saga's tests expect it to announce is what the Gateway's tests feed the Gateway's projection.
/// </summary>
public static class LeaseSteps
{
    public static readonly (string Step, string State)[] WayToActive =
    [
        ("ApplicationSubmitted", "AwaitingScreening"),
        ("ScreeningPassed", "AwaitingLeaseDocument"),
        ("SentForSignature", "AwaitingTenantSignature"),
        ("SigningLinkSent", "AwaitingTenantSignature"),
        ("TenantSigned", "AwaitingCountersignature"),
        ("LandlordCountersigned", "AwaitingMoveInFunds"),
        ("MoveInFundsReceived", "AwaitingAccessCode"),
        ("LeaseActivated", LeaseSigningStates.Active),
    ];
}
