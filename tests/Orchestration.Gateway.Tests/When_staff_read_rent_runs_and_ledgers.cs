namespace Orchestration.Gateway.Tests;

/// <summary>The Gateway's copy of Billing's rent events, as the rent routes show it.</summary>
public sealed class When_staff_read_rent_runs_and_ledgers(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static readonly DateTimeOffset March1 = new(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);

    async Task ProjectedAsync(object message)
    {
        var id = Guid.NewGuid();
        await Gateway.PublishAsync(message, id);
        await Gateway.ConsumedAsync(id, $"{message.GetType().Name} projected");
    }

    static LedgerEntryRecorded Entry(Guid leaseId, LedgerEntryKind kind, decimal amount, DateTimeOffset occurredAt) => new()
    {
        EntryId = Guid.NewGuid(), LeaseId = leaseId, Kind = kind, Amount = Money.Of(amount, "USD"), OccurredAt = occurredAt, RecordedAt = occurredAt,
    };

    [Fact]
    public async Task Should_show_a_runs_charges_by_state()
    {
        var runId = Guid.NewGuid();
        Guid paid = Guid.NewGuid(), late = Guid.NewGuid();
        foreach (var chargeId in new[] { paid, late })
            await ProjectedAsync(new RentChargePosted
            {
                ChargeId = chargeId, LeaseId = Guid.NewGuid(), RentRunId = runId, Period = "2031-03", Amount = Money.Of(1850m, "USD"),
                DueOn = new DateOnly(2031, 3, 1), GraceDays = 5, Autopay = true, PostedAt = March1,
            });
        await ProjectedAsync(new RentRunFinished { RentRunId = runId, Period = "2031-03", Leases = 2, Posted = 2, FinishedAt = March1 });
        await ProjectedAsync(new RentCollectionProgressed
        {
            ChargeId = paid, LeaseId = Guid.NewGuid(), RentRunId = runId, State = "Paid", Outstanding = Money.Of(0m, "USD"), OccurredAt = March1.AddDays(2),
        });
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        var run = await (await accountant.GetAsync($"/api/rent-runs/{runId}")).JsonAsync();

        run.GetProperty("period").GetString().ShouldBe("2031-03");
        run.GetProperty("posted").GetInt32().ShouldBe(2);
        run.GetProperty("charges").GetProperty("Paid").GetInt64().ShouldBe(1);
        run.GetProperty("charges").GetProperty("Posted").GetInt64().ShouldBe(1);
        await (await accountant.GetAsync($"/api/rent-runs/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_show_a_leases_entries_and_balance_on_any_day()
    {
        var leaseId = Guid.NewGuid();
        var charge = Entry(leaseId, LedgerEntryKind.Charge, 1850m, March1);
        await ProjectedAsync(charge);
        await ProjectedAsync(charge);
        await ProjectedAsync(Entry(leaseId, LedgerEntryKind.Payment, -1000m, March1.AddDays(3)));
        await ProjectedAsync(Entry(leaseId, LedgerEntryKind.LateFee, 50m, March1.AddDays(6)));
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);

        var now = await (await manager.GetAsync($"/api/leases/{leaseId}/ledger")).JsonAsync();
        var onTheFifth = await (await manager.GetAsync($"/api/leases/{leaseId}/ledger?asOf=2031-03-05")).JsonAsync();

        now.GetProperty("entries").GetArrayLength().ShouldBe(3);
        now.GetProperty("entries")[2].GetProperty("kind").GetString().ShouldBe("late_fee");
        now.GetProperty("balance").GetProperty("amount").GetDecimal().ShouldBe(900m);
        now.GetProperty("balance").GetProperty("currency").GetString().ShouldBe("USD");
        onTheFifth.GetProperty("entries").GetArrayLength().ShouldBe(2);
        onTheFifth.GetProperty("balance").GetProperty("amount").GetDecimal().ShouldBe(850m);
        var problem = await (await manager.GetAsync($"/api/leases/{leaseId}/ledger?asOf=2031-13-01")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("asOf", out _).ShouldBeTrue();
        await (await manager.GetAsync($"/api/leases/{Guid.NewGuid()}/ledger")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var operatorStaff = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Operator);
        await (await operatorStaff.GetAsync($"/api/leases/{leaseId}/ledger")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
