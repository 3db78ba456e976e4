using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Billing.Tests.Ledger;

/// <summary>The ledger on each engine: entries are only ever added, once each, and a balance can be asked of any past day.</summary>
public sealed class When_a_ledger_entry_is_recorded
{
    static readonly DateTimeOffset March1 = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    static LedgerEntry Entry(Guid leaseId, LedgerEntryKind kind, decimal amount, DateTimeOffset occurredAt, Guid? chargeId = null, Guid? reverses = null) =>
        new(Guid.NewGuid(), leaseId, kind, new Money(amount, "USD"), chargeId, occurredAt, occurredAt.AddMinutes(1), reverses);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_update_or_a_delete_at_the_database(string provider)
    {
        await using var ledger = await LedgerDatabase.CreateAsync(provider);
        var leaseId = Guid.NewGuid();
        await ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, Entry(leaseId, LedgerEntryKind.Charge, 1850m, March1), default));

        var update = await Should.ThrowAsync<Exception>(() => ledger.ExecuteAsync($"UPDATE {ledger.Table} SET amount = 0"));
        update.Message.ShouldContain(LedgerSchema.AppendOnly);
        var delete = await Should.ThrowAsync<Exception>(() => ledger.ExecuteAsync($"DELETE FROM {ledger.Table}"));
        delete.Message.ShouldContain(LedgerSchema.AppendOnly);
        if (provider == TestDatabase.Postgres)
            (await Should.ThrowAsync<Exception>(() => ledger.ExecuteAsync($"TRUNCATE {ledger.Table}"))).Message.ShouldContain(LedgerSchema.AppendOnly);

        var balance = await ledger.InTransactionAsync(s => ledger.Store.BalanceAsync(s, leaseId, null, default));
        balance.ShouldBe([new Money(1850m, "USD")]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_record_an_entry_delivered_twice_once(string provider)
    {
        await using var ledger = await LedgerDatabase.CreateAsync(provider);
        var leaseId = Guid.NewGuid();
        var payment = Entry(leaseId, LedgerEntryKind.Payment, -1850m, March1.AddDays(2), RentIds.Charge(leaseId, "2027-03"));

        (await ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, payment, default))).ShouldBeTrue();
        (await ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, payment with { RecordedAt = payment.RecordedAt.AddHours(1) }, default)))
            .ShouldBeFalse();

        var entries = await ledger.InTransactionAsync(s => ledger.Store.EntriesAsync(s, leaseId, null, default));
        entries.ShouldBe([payment]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_the_balance_and_the_entries_of_any_past_day(string provider)
    {
        await using var ledger = await LedgerDatabase.CreateAsync(provider);
        var leaseId = Guid.NewGuid();
        var chargeId = RentIds.Charge(leaseId, "2027-03");
        var charge = Entry(leaseId, LedgerEntryKind.Charge, 1850m, March1, chargeId);
        var payment = Entry(leaseId, LedgerEntryKind.Payment, -1000.01m, March1.AddDays(3), chargeId);
        var returned = Entry(leaseId, LedgerEntryKind.Reversal, 1000.01m, March1.AddDays(9), chargeId, payment.EntryId);
        var nsfFee = Entry(leaseId, LedgerEntryKind.NsfFee, 35m, March1.AddDays(9), chargeId);
        foreach (var entry in new[] { charge, payment, returned, nsfFee })
            await ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, entry, default));
        await ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, Entry(Guid.NewGuid(), LedgerEntryKind.Charge, 999m, March1), default));

        async Task<decimal> BalanceOn(DateTimeOffset day) =>
            (await ledger.InTransactionAsync(s => ledger.Store.BalanceAsync(s, leaseId, day, default))).SingleOrDefault()?.Amount ?? 0m;

        (await BalanceOn(March1.AddDays(-1))).ShouldBe(0m);
        (await BalanceOn(March1)).ShouldBe(1850m);
        (await BalanceOn(March1.AddDays(5))).ShouldBe(849.99m);
        (await BalanceOn(March1.AddDays(30))).ShouldBe(1885m);
        var onTheFifth = await ledger.InTransactionAsync(s => ledger.Store.EntriesAsync(s, leaseId, March1.AddDays(5), default));
        onTheFifth.ShouldBe([charge, payment]);
        var all = await ledger.InTransactionAsync(s => ledger.Store.EntriesAsync(s, leaseId, null, default));
        all.Sum(e => e.Amount.Amount).ShouldBe(1885m);
        all.ShouldBe([charge, payment, returned, nsfFee]);
    }

    [Fact]
    public async Task Should_refuse_a_fraction_of_a_cent_before_it_reaches_the_database()
    {
        await using var ledger = await LedgerDatabase.CreateAsync(TestDatabase.Sqlite);
        var entry = Entry(Guid.NewGuid(), LedgerEntryKind.Charge, 10.005m, March1);

        await Should.ThrowAsync<InvalidLedgerEntryException>(() => ledger.InTransactionAsync(s => ledger.Store.AppendAsync(s, entry, default)));
        (await ledger.Database.RowsAsync("ledger_entries")).ShouldBeEmpty();
    }
}
