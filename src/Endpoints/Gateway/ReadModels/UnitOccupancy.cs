namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>How a unit's occupancy follows the leases projected from Leasing's events.</summary>
public static class UnitOccupancy
{
    /// <summary>
    /// Where the unit stands once <paramref name="lease"/> is in its current state: an application in progress holds a
    /// vacant unit, an active lease leases it, and a lease that ended without starting gives back what it held. A unit
    /// another lease holds or leases is left to that lease.
    /// </summary>
    public static UnitRecord Following(this UnitRecord unit, LeaseRecord lease)
    {
        var mine = unit.LeaseId == lease.LeaseId;
        return lease.State switch
        {
            LeaseSigningStates.Active when mine || unit.Status != UnitStatus.Leased =>
                unit with { Status = UnitStatus.Leased, LeaseId = lease.LeaseId },
            _ when LeaseRecord.HasEnded(lease.State) => mine ? unit with { Status = UnitStatus.Vacant, LeaseId = null } : unit,
            _ when unit.LeaseId is null && unit.Status == UnitStatus.Vacant => unit with { Status = UnitStatus.Held, LeaseId = lease.LeaseId },
            _ => unit,
        };
    }
}
