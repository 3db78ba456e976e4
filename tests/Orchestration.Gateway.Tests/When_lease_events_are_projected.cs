namespace Orchestration.Gateway.Tests;

public sealed class When_lease_events_are_projected(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    /// <summary>A lease applied for through the API, and the events Leasing would publish for it.</summary>
    async Task<(HttpClient Staff, LeaseEvents Events, Guid UnitId, Guid TenantId)> ApplyAsync()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var leaseId = await staff.AppliedAsync(propertyId, unitId, $"applicant-{Guid.NewGuid():N}@example.com");
        var tenantId = (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant").GetProperty("tenantId").GetGuid();
        return (staff, new LeaseEvents(leaseId, propertyId, unitId, tenantId), unitId, tenantId);
    }

    async Task DeliverAsync(object message, Guid? messageId = null)
    {
        var id = messageId ?? NewId.NextGuid();
        await Gateway.PublishAsync(message, id);
        await Gateway.ConsumedAsync(id, $"{message.GetType().Name} was projected");
    }

    [Fact]
    public async Task Should_change_nothing_when_the_same_events_arrive_again()
    {
        var (staff, lease, unitId, tenantId) = await ApplyAsync();
        await DeliverAsync(lease.Submitted());
        await DeliverAsync(lease.Step(1));
        await DeliverAsync(lease.Step(2));
        var before = (await Snapshot(staff, lease.LeaseId, unitId, tenantId)).ToList();

        // New copies with new message ids, as a redelivery through another route would be: the inbox cannot catch them.
        await DeliverAsync(lease.Step(2));
        await DeliverAsync(lease.Step(1));
        await DeliverAsync(lease.Submitted());

        (await Snapshot(staff, lease.LeaseId, unitId, tenantId)).ShouldBe(before);
        var projected = await staff.GetJsonAsync($"/api/leases/{lease.LeaseId}");
        projected.GetProperty("state").GetString().ShouldBe("AwaitingLeaseDocument");
        projected.GetProperty("timeline").GetArrayLength().ShouldBe(2);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.lease_timeline WHERE lease_id = @id", ("id", lease.LeaseId))).ShouldBe(2);
    }

    [Fact]
    public async Task Should_end_active_with_the_whole_timeline_in_order_when_events_arrive_out_of_order()
    {
        var (staff, lease, unitId, tenantId) = await ApplyAsync();

        await DeliverAsync(lease.Activated());
        await DeliverAsync(lease.Step(8));
        foreach (var sequence in new[] { 3, 1, 7, 2, 5, 4, 6 })
            await DeliverAsync(lease.Step(sequence));
        await DeliverAsync(lease.Submitted());

        var projected = await staff.GetJsonAsync($"/api/leases/{lease.LeaseId}");
        projected.GetProperty("state").GetString().ShouldBe(LeaseSigningStates.Active);
        var timeline = projected.GetProperty("timeline").EnumerateArray().ToList();
        timeline.Select(t => t.GetProperty("sequence").GetInt32()).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        timeline.Select(t => (t.GetProperty("step").GetString()!, t.GetProperty("state").GetString()!)).ShouldBe(LeaseSteps.WayToActive);
        timeline[^1].GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(LeaseEvents.Start.AddMinutes(8));
        projected.GetProperty("leaseStart").GetString().ShouldBe("2027-02-01");

        var unit = await staff.GetJsonAsync($"/api/units/{unitId}");
        unit.GetProperty("status").GetString().ShouldBe("leased");
        unit.GetProperty("leaseId").GetGuid().ShouldBe(lease.LeaseId);
        var tenant = await staff.GetJsonAsync($"/api/tenants/{tenantId}");
        tenant.GetProperty("status").GetString().ShouldBe("active");
        tenant.GetProperty("currentLeaseId").GetGuid().ShouldBe(lease.LeaseId);
    }

    [Fact]
    public async Task Should_keep_the_newest_state_when_an_older_step_arrives_late()
    {
        var (staff, lease, _, _) = await ApplyAsync();

        await DeliverAsync(lease.Step(5));
        await DeliverAsync(lease.Step(3));

        var projected = await staff.GetJsonAsync($"/api/leases/{lease.LeaseId}");
        projected.GetProperty("state").GetString().ShouldBe("AwaitingCountersignature");
        projected.GetProperty("updatedAt").GetDateTimeOffset().ShouldBe(LeaseEvents.Start.AddMinutes(5));
        projected.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("sequence").GetInt32()).ShouldBe([3, 5]);
    }

    public static TheoryData<string> Endings => new() { LeaseSigningStates.Declined, LeaseSigningStates.Lapsed, LeaseSigningStates.Cancelled };

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task Should_give_the_unit_back_when_the_lease_ends_without_starting(string ending)
    {
        var (staff, lease, unitId, tenantId) = await ApplyAsync();
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("held");

        await DeliverAsync(lease.Step(1));
        await DeliverAsync(ending switch
        {
            LeaseSigningStates.Declined => lease.Declined(),
            LeaseSigningStates.Lapsed => lease.Lapsed(),
            _ => lease.Cancelled(),
        });
        // The final step arriving after the domain event, and a stray older one after that, change nothing more.
        await DeliverAsync(lease.Step(2, $"Lease{ending}", ending, "the end"));
        await DeliverAsync(lease.Step(1));

        var projected = await staff.GetJsonAsync($"/api/leases/{lease.LeaseId}");
        projected.GetProperty("state").GetString().ShouldBe(ending);
        projected.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("state").GetString()).ShouldBe(["AwaitingScreening", ending]);
        var unit = await staff.GetJsonAsync($"/api/units/{unitId}");
        unit.GetProperty("status").GetString().ShouldBe("vacant");
        unit.GetProperty("leaseId").ValueKind.ShouldBe(JsonValueKind.Null);
        var tenant = await staff.GetJsonAsync($"/api/tenants/{tenantId}");
        tenant.GetProperty("status").GetString().ShouldBe("former");
        tenant.GetProperty("currentLeaseId").ValueKind.ShouldBe(JsonValueKind.Null);

        // The unit takes a new application again.
        var next = await staff.AppliedAsync(lease.PropertyId, unitId, $"next-{Guid.NewGuid():N}@example.com");
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("leaseId").GetGuid().ShouldBe(next);
    }

    [Fact]
    public async Task Should_list_a_lease_first_heard_of_through_leasings_events()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = Guid.NewGuid();
        var lease = new LeaseEvents(Guid.NewGuid(), propertyId, Guid.NewGuid(), Guid.NewGuid());

        await DeliverAsync(lease.Step(2));
        await DeliverAsync(lease.Submitted("Grace Hopper", "grace@example.com"));

        var listed = await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}");
        var item = listed.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("leaseId").GetGuid().ShouldBe(lease.LeaseId);
        item.GetProperty("state").GetString().ShouldBe("AwaitingLeaseDocument");
        item.GetProperty("tenant").GetProperty("name").GetString().ShouldBe("Grace Hopper");
        item.TryGetProperty("timeline", out _).ShouldBeFalse();
        var tenant = await staff.GetJsonAsync($"/api/tenants/{item.GetProperty("tenant").GetProperty("tenantId").GetGuid()}");
        tenant.GetProperty("status").GetString().ShouldBe("applicant");
    }

    [Fact]
    public async Task Should_list_leases_by_state_and_property_a_page_at_a_time()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var leases = new List<Guid>();
        foreach (var label in new[] { "1", "2", "3" })
            leases.Add(await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, label), $"p{label}-{Guid.NewGuid():N}@example.com"));
        var screening = new LeaseEvents(leases[1], propertyId, Guid.Empty, Guid.Empty);
        await DeliverAsync(screening.Step(1));

        var firstPage = await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}&limit=2");
        var secondPage = await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}&limit=2&offset=2");
        var awaiting = await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}&state=AwaitingScreening");

        firstPage.GetProperty("total").GetInt64().ShouldBe(3);
        var paged = firstPage.GetProperty("items").EnumerateArray().Concat(secondPage.GetProperty("items").EnumerateArray())
            .Select(l => l.GetProperty("leaseId").GetGuid()).ToList();
        paged.ShouldBe(leases, ignoreOrder: true);
        paged.Distinct().Count().ShouldBe(3);
        awaiting.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("leaseId").GetGuid()).ShouldBe([leases[1]]);
    }

    [Fact]
    public async Task Should_list_leases_in_the_order_the_sort_names()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var leases = new List<Guid>();
        foreach (var label in new[] { "1", "2", "3" })
            leases.Add(await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, label), $"s{label}-{Guid.NewGuid():N}@example.com"));
        await DeliverAsync(new LeaseEvents(leases[1], propertyId, Guid.Empty, Guid.Empty).Step(1));

        async Task<List<JsonElement>> ListAsync(string sort) =>
            [.. (await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}&sort={sort}")).GetProperty("items").EnumerateArray()];
        static List<string> States(List<JsonElement> items) => [.. items.Select(l => l.GetProperty("state").GetString()!)];

        var byState = States(await ListAsync("state"));
        byState.Distinct().Count().ShouldBe(2);
        byState.ShouldBe([.. byState.Order(StringComparer.Ordinal)]);
        States(await ListAsync("-state")).ShouldBe([.. byState.AsEnumerable().Reverse()]);
    }

    async Task<string[]> Snapshot(HttpClient staff, Guid leaseId, Guid unitId, Guid tenantId) =>
    [
        (await staff.GetJsonAsync($"/api/leases/{leaseId}")).ToString(),
        (await staff.GetJsonAsync($"/api/units/{unitId}")).ToString(),
        (await staff.GetJsonAsync($"/api/tenants/{tenantId}")).ToString(),
    ];
}
