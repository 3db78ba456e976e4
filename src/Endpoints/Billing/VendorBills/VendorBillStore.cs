using Dapper;

namespace Orchestration.Endpoints.Billing.VendorBills;

/// <summary>A bill payable to a vendor for one work order.</summary>
public sealed record VendorBill(Guid WorkOrderId, Guid VendorId, Guid PropertyId, string InvoiceNumber, Money Amount, DateTimeOffset RecordedAt);

/// <summary>The SQL of vendor bills; every method runs on the handler's <see cref="SqlSession"/>.</summary>
public sealed class VendorBillStore(SqlStorage storage)
{
    readonly string _bills = storage.Table("vendor_bills");

    /// <summary>Records the bill unless the work order has one; returns the work order's bill as stored, and whether it is new.</summary>
    public async Task<(VendorBill Bill, bool Recorded)> RecordAsync(SqlSession session, VendorBill bill, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        var inserted = await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_bills} (work_order_id, vendor_id, property_id, invoice_number, amount, currency, idempotency_key, recorded_at)
            VALUES (@WorkOrderId, @VendorId, @PropertyId, @InvoiceNumber, @amount, @currency, @idempotencyKey, @RecordedAt)
            ON CONFLICT (work_order_id) DO NOTHING
            """, new
        {
            bill.WorkOrderId, bill.VendorId, bill.PropertyId, bill.InvoiceNumber, amount = bill.Amount.Amount, currency = bill.Amount.Currency,
            idempotencyKey, bill.RecordedAt,
        }, cancellationToken));
        return inserted == 1 ? (bill, true) : ((await FindAsync(session, bill.WorkOrderId, cancellationToken))!, false);
    }

    public async Task<VendorBill?> FindAsync(SqlSession session, Guid workOrderId, CancellationToken cancellationToken)
    {
        var row = await session.Connection.QuerySingleOrDefaultAsync<BillRow>(session.Command($"""
            SELECT work_order_id, vendor_id, property_id, invoice_number, amount, currency, recorded_at FROM {_bills} WHERE work_order_id = @workOrderId
            """, new { workOrderId }, cancellationToken));
        return row?.Bill;
    }

    sealed record BillRow(Guid WorkOrderId, Guid VendorId, Guid PropertyId, string InvoiceNumber, decimal Amount, string Currency, DateTimeOffset RecordedAt)
    {
        public VendorBill Bill => new(WorkOrderId, VendorId, PropertyId, InvoiceNumber, new Money(Amount, Currency), RecordedAt);
    }
}
