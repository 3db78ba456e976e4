using Dapper;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>A job offered to a vendor, as the vendor API shows it to that vendor.</summary>
public sealed record VendorOffer(
    Guid WorkOrderId, Guid PropertyId, Guid UnitId, string Priority, string Category, string Description, DateTimeOffset AcceptBy,
    DateTimeOffset OfferedAt);

/// <summary>
/// The offers each vendor holds, in one place. Written by the dispatch consumer in the transaction that sends the webhook,
/// read by the vendor API, always for one vendor: no query here can return another vendor's offer.
/// </summary>
public sealed class VendorOffers(SqlStorage storage)
{
    readonly string _offers = storage.Table("vendor_offers");

    public async Task RecordAsync(SqlSession session, DispatchToVendor offer, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_offers} (work_order_id, vendor_id, event_id, property_id, unit_id, priority, category, description, accept_by, offered_at)
            VALUES (@WorkOrderId, @VendorId, @EventId, @PropertyId, @UnitId, @priority, @Category, @Description, @AcceptBy, @now)
            ON CONFLICT (work_order_id, vendor_id) DO UPDATE SET event_id = @EventId, priority = @priority, accept_by = @AcceptBy,
                offered_at = @now, withdrawn_at = NULL
            WHERE {_offers}.event_id <> @EventId
            """, new
            {
                offer.WorkOrderId, offer.VendorId, offer.EventId, offer.PropertyId, offer.UnitId, priority = offer.Priority.ToString(), offer.Category,
                offer.Description, offer.AcceptBy, now,
            }, cancellationToken));

    public async Task WithdrawAsync(SqlSession session, Guid workOrderId, Guid vendorId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_offers} SET withdrawn_at = @now WHERE work_order_id = @workOrderId AND vendor_id = @vendorId AND withdrawn_at IS NULL
            """, new { workOrderId, vendorId, now }, cancellationToken));

    /// <summary>The vendor's open offers, newest first.</summary>
    public async Task<IReadOnlyList<VendorOffer>> OpenAsync(SqlSession session, Guid vendorId, int limit, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<VendorOffer>(session.Command($"""
            {Select} WHERE vendor_id = @vendorId AND withdrawn_at IS NULL ORDER BY offered_at DESC LIMIT @limit
            """, new { vendorId, limit }, cancellationToken))).AsList();

    /// <summary>The vendor's open offer of this work order, or null: another vendor's work order looks the same as none.</summary>
    public Task<VendorOffer?> FindOpenAsync(SqlSession session, Guid vendorId, Guid workOrderId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<VendorOffer?>(session.Command($"""
            {Select} WHERE vendor_id = @vendorId AND work_order_id = @workOrderId AND withdrawn_at IS NULL
            """, new { vendorId, workOrderId }, cancellationToken));

    string Select => $"""
        SELECT work_order_id, property_id, unit_id, priority, category, description, accept_by, offered_at FROM {_offers}
        """;
}
