using Orchestration.Endpoints.Billing.VendorBills;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Billing.Tests.VendorBills;

/// <summary>The maintenance saga's vendor bill, through the endpoint; on SQLite and on PostgreSQL.</summary>
public abstract class When_a_vendor_bill_is_recorded(BillingHost host)
{
    protected BillingHost Host { get; } = host;

    static RecordVendorBill Bill(Guid workOrderId, decimal amount = 412.35m, string invoice = "INV-2027-0042") => new()
    {
        WorkOrderId = workOrderId,
        VendorId = Guid.Parse("5b1d7c1e-0000-4000-8000-000000000001"),
        PropertyId = Guid.NewGuid(),
        InvoiceNumber = invoice,
        Amount = new Money(amount, "USD"),
        IdempotencyKey = $"work-order-{workOrderId:N}-bill",
    };

    [Fact]
    public async Task Should_keep_one_bill_with_the_exact_amount_however_often_it_arrives()
    {
        var command = Bill(Guid.NewGuid());
        var firstId = Guid.NewGuid();

        (await Host.SendAsync(command, firstId)).ShouldBeNull();
        var first = await Host.VendorBillAsync(command.WorkOrderId);
        (await Host.SendAsync(command, Guid.NewGuid())).ShouldBeNull();
        (await Host.SendAsync(command, firstId)).ShouldBeNull();

        var bill = (await Host.VendorBillAsync(command.WorkOrderId)).ShouldNotBeNull();
        bill.ShouldBe(first);
        bill.Amount.ShouldBe(new Money(412.35m, "USD"));
        bill.InvoiceNumber.ShouldBe("INV-2027-0042");
        bill.VendorId.ShouldBe(command.VendorId);
        bill.PropertyId.ShouldBe(command.PropertyId);
    }

    [Fact]
    public async Task Should_keep_an_amount_finer_than_cents_exactly()
    {
        var command = Bill(Guid.NewGuid(), amount: 1234567.891m);

        (await Host.SendAsync(command)).ShouldBeNull();

        (await Host.VendorBillAsync(command.WorkOrderId))!.Amount.Amount.ShouldBe(1234567.891m);
    }

    [Fact]
    public async Task Should_set_a_second_bill_with_other_terms_aside_and_keep_the_first()
    {
        var command = Bill(Guid.NewGuid());
        (await Host.SendAsync(command)).ShouldBeNull();

        var failure = await Host.SendAsync(Bill(command.WorkOrderId, amount: 999m, invoice: "INV-2027-0043"));

        failure.ShouldBeOfType<InvalidVendorBillException>().Message.ShouldContain("INV-2027-0043");
        (await Host.VendorBillAsync(command.WorkOrderId))!.Amount.ShouldBe(command.Amount);
    }

    [Theory]
    [InlineData(-1, "USD", "negative")]
    [InlineData(10, "US", "currency")]
    public async Task Should_set_a_bill_it_cannot_hold_aside_and_record_nothing(decimal amount, string currency, string reason)
    {
        var command = Bill(Guid.NewGuid()) with { Amount = new Money(amount, currency) };

        var failure = await Host.SendAsync(command);

        failure.ShouldBeOfType<InvalidVendorBillException>().Message.ShouldContain(reason);
        (await Host.VendorBillAsync(command.WorkOrderId)).ShouldBeNull();
    }
}
