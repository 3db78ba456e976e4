using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Billing.VendorBills;

/// <summary>
/// Records a completed work order's invoice as a bill payable to its vendor, once per work order. A second bill for the
/// same work order with other terms is not a repeat but a conflict: it is moved aside with its reason, and the first
/// stays.
/// </summary>
public sealed class RecordVendorBillConsumer(SqlSession session, VendorBillStore bills, TimeProvider time, ILogger<RecordVendorBillConsumer> logger)
    : IConsumer<RecordVendorBill>
{
    public async Task Consume(ConsumeContext<RecordVendorBill> context)
    {
        var command = context.Message;
        var bill = new VendorBill(command.WorkOrderId, command.VendorId, command.PropertyId, command.InvoiceNumber.Trim(), Validated(command),
            time.GetUtcNow());

        var (stored, recorded) = await bills.RecordAsync(session, bill, command.IdempotencyKey, context.CancellationToken);
        if (!recorded && (stored.Amount != bill.Amount || stored.InvoiceNumber != bill.InvoiceNumber || stored.VendorId != bill.VendorId))
        {
            throw new InvalidVendorBillException(
                $"Work order {command.WorkOrderId} already has a bill ({stored.InvoiceNumber}, {stored.Amount.Amount} {stored.Amount.Currency}); "
                + $"the bill {bill.InvoiceNumber} for {bill.Amount.Amount} {bill.Amount.Currency} is not recorded.");
        }

        if (recorded)
        {
            logger.LogInformation("Vendor bill {InvoiceNumber} of {Amount} {Currency} recorded for work order {WorkOrderId}",
                bill.InvoiceNumber, bill.Amount.Amount, bill.Amount.Currency, bill.WorkOrderId);
        }
    }

    static Money Validated(RecordVendorBill command)
    {
        if (command.Amount is null || !Money.IsCurrencyCode(command.Amount.Currency))
            throw new InvalidVendorBillException($"The bill of work order {command.WorkOrderId} has no valid ISO 4217 currency.");
        if (command.Amount.Amount < 0)
            throw new InvalidVendorBillException($"The bill of work order {command.WorkOrderId} is negative ({command.Amount.Amount}).");
        if (string.IsNullOrWhiteSpace(command.InvoiceNumber))
            throw new InvalidVendorBillException($"The bill of work order {command.WorkOrderId} has no invoice number.");
        if (command.VendorId == Guid.Empty)
            throw new InvalidVendorBillException($"The bill of work order {command.WorkOrderId} names no vendor.");
        return command.Amount;
    }
}
