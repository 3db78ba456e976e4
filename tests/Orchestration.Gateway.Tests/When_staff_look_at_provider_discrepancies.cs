using System.Diagnostics.Metrics;
using Orchestration.Endpoints.Gateway.Reconciliation;

namespace Orchestration.Gateway.Tests;

/// <summary>
/// A signed provider event that moved nothing is kept for the staff who reconcile: admins, accountants and property
/// managers read it through the API, each event once however often it is reported, and every one is counted.
/// </summary>
public sealed class When_staff_look_at_provider_discrepancies(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static ProviderEventDiscrepancyRecorded Discrepancy(Guid leaseId, string kind = DiscrepancyKinds.Mismatch) => new()
    {
        Provider = "payments",
        EventId = $"evt_{Guid.NewGuid():N}",
        EventType = "payment_intent.succeeded",
        Kind = kind,
        Reason = "amount 0.01 USD, requested 3,700.02 USD",
        LeaseId = leaseId,
        ProviderReference = "pi_real",
        Amount = new Money(0.01m, "USD"),
        OccurredAt = DateTimeOffset.UtcNow.AddSeconds(-5),
        RecordedAt = DateTimeOffset.UtcNow,
    };

    async Task KeptAsync(ProviderEventDiscrepancyRecorded discrepancy, Guid? messageId = null)
    {
        var id = messageId ?? NewId.NextGuid();
        await Gateway.PublishAsync(discrepancy, id);
        await Gateway.ConsumedAsync(id, $"discrepancy {discrepancy.EventId} kept");
    }

    [Fact]
    public async Task Should_keep_each_event_once_count_it_and_list_it_by_lease_with_the_total()
    {
        var leaseId = Guid.NewGuid();
        var mismatch = Discrepancy(leaseId);
        var unmatched = Discrepancy(leaseId, DiscrepancyKinds.Unmatched);
        var counted = new List<(long Value, string? Kind)>();
        var meters = Gateway.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this Gateway's counter: other tests' Gateways in this process count their own discrepancies meanwhile.
            if (instrument.Meter.Name == DiscrepancyMetrics.MeterName && instrument.Name == DiscrepancyMetrics.CounterName
                && ReferenceEquals(instrument.Meter.Scope, meters))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kind" && (string?)tag.Value is { } kind && (kind == mismatch.Kind || kind == unmatched.Kind))
                    lock (counted)
                        counted.Add((value, kind));
            }
        });
        listener.Start();

        await KeptAsync(mismatch);
        await KeptAsync(mismatch);
        await KeptAsync(unmatched);

        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var page = await accountant.GetJsonAsync($"/api/discrepancies?leaseId={leaseId}");
        page.GetProperty("total").GetInt64().ShouldBe(2);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("eventId").GetString()).ShouldBe([mismatch.EventId, unmatched.EventId], ignoreOrder: true);
        var onlyMismatches = await accountant.GetJsonAsync($"/api/discrepancies?leaseId={leaseId}&kind=mismatch&provider=payments");
        onlyMismatches.GetProperty("total").GetInt64().ShouldBe(1);

        var one = await accountant.GetJsonAsync($"/api/discrepancies/payments/{mismatch.EventId}");
        one.GetProperty("reason").GetString().ShouldBe(mismatch.Reason);
        one.GetProperty("amount").GetProperty("amount").GetDecimal().ShouldBe(0.01m);
        one.GetProperty("amount").GetProperty("currency").GetString().ShouldBe("USD");
        one.GetProperty("providerReference").GetString().ShouldBe("pi_real");
        await (await accountant.GetAsync("/api/discrepancies/payments/evt_never_seen")).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        await (await accountant.GetAsync("/api/discrepancies?kind=whatever")).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await (await accountant.GetAsync("/api/discrepancies?provider=%00")).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await (await accountant.GetAsync("/api/discrepancies?provider=stripe")).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await (await accountant.GetAsync("/api/discrepancies/stripe/evt_never_seen")).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        await (await accountant.GetAsync("/api/discrepancies/payments/evt%E2%80%AEx")).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);

        listener.RecordObservableInstruments();
        lock (counted)
            counted.ShouldBe([(1L, DiscrepancyKinds.Mismatch), (1L, DiscrepancyKinds.Unmatched)], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_show_discrepancies_to_property_managers_and_admins_but_not_to_maintenance_coordinators()
    {
        var leaseId = Guid.NewGuid();
        var discrepancy = Discrepancy(leaseId);
        await KeptAsync(discrepancy);

        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        (await manager.GetJsonAsync($"/api/discrepancies?leaseId={leaseId}")).GetProperty("total").GetInt64().ShouldBe(1);
        var admin = await Gateway.SignInAsAdminAsync();
        (await admin.GetJsonAsync($"/api/discrepancies/payments/{discrepancy.EventId}")).GetProperty("kind").GetString().ShouldBe("mismatch");

        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);
        var refused = await (await coordinator.GetAsync($"/api/discrepancies?leaseId={leaseId}")).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        refused.ToString().ShouldNotContain(discrepancy.EventId);
        await (await coordinator.GetAsync($"/api/discrepancies/payments/{discrepancy.EventId}")).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await Gateway.Anonymous().GetAsync("/api/discrepancies")).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
    }
}
