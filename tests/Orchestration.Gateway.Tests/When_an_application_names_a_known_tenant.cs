namespace Orchestration.Gateway.Tests;

/// <summary>
/// An application never renames or merges tenants: a known email (in any letter case) or applicant id must come with the
/// tenant's details as recorded, an unknown applicant id is refused, and one address is one tenant even when two
/// applications race. Staff change a tenant's details with <c>PATCH /api/tenants/{id}</c>.
/// </summary>
public sealed class When_an_application_names_a_known_tenant(StaffApiFixture hosts) : IClassFixture<StaffApiFixture>
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_another_name_with_a_known_email_in_any_letter_case_and_leave_the_tenant_as_it_was(string provider)
    {
        var (staff, propertyId, email, ada) = await KnownTenantAsync(provider);
        var unitId = await staff.AddUnitAsync(propertyId, "eve");

        var impostor = await staff.ApplyAsync(PortalRequests.Application(propertyId, unitId, email.ToUpperInvariant(), name: "Eve Impostor"));

        (await impostor.ShouldAnswerProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain(ada.ToString());
        var tenant = await staff.GetJsonAsync($"/api/tenants/{ada}");
        tenant.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        tenant.GetProperty("email").GetString().ShouldBe(email);
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:leases} WHERE unit_id = @unit", ("@unit", unitId))).ShouldBe(0);
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_apply_as_the_known_tenant_with_the_details_as_recorded_when_only_the_letter_case_differs(string provider)
    {
        var (staff, propertyId, email, ada) = await KnownTenantAsync(provider);

        var response = await staff.ApplyAsync(PortalRequests.Application(propertyId, await staff.AddUnitAsync(propertyId, "2"), email.ToUpperInvariant(),
            name: "ADA LOVELACE"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        var applicant = (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant");
        applicant.GetProperty("tenantId").GetGuid().ShouldBe(ada);
        applicant.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        applicant.GetProperty("email").GetString().ShouldBe(email);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_known_applicant_id_with_another_name_or_email(string provider)
    {
        var (staff, propertyId, email, ada) = await KnownTenantAsync(provider);
        var unitId = await staff.AddUnitAsync(propertyId, "mallory");
        var body = PortalRequests.ApplicationJson(propertyId, unitId, "mallory@evil.example.com");
        body["applicantId"] = ada;
        body["applicantName"] = "Mallory";

        await (await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString())).ShouldAnswerProblemAsync(HttpStatusCode.Conflict);

        var tenant = await staff.GetJsonAsync($"/api/tenants/{ada}");
        tenant.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        tenant.GetProperty("email").GetString().ShouldBe(email);
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:leases} WHERE unit_id = @unit", ("@unit", unitId))).ShouldBe(0);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_unknown_applicant_id_with_a_422_naming_it_and_add_no_tenant(string provider)
    {
        var (staff, propertyId, email, _) = await KnownTenantAsync(provider);
        var unknown = Guid.NewGuid();
        var body = PortalRequests.ApplicationJson(propertyId, await staff.AddUnitAsync(propertyId, "dup"), email);
        body["applicantId"] = unknown;

        var problem = await (await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString()))
            .ShouldAnswerProblemAsync(HttpStatusCode.UnprocessableEntity);

        problem.GetProperty("errors").TryGetProperty("applicantId", out _).ShouldBeTrue(problem.ToString());
        await (await staff.GetAsync($"/api/tenants/{unknown}")).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:tenants} WHERE lower(email) = @email", ("@email", email))).ShouldBe(1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_make_one_tenant_of_concurrent_applications_with_one_new_email(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var units = new List<Guid>();
        for (var i = 0; i < 4; i++)
            units.Add(await staff.AddUnitAsync(propertyId, $"race-{i}"));
        var email = $"race-{Guid.NewGuid():N}@example.com";

        var answers = await Task.WhenAll(units.Select(unit => staff.ApplyAsync(PortalRequests.Application(propertyId, unit, email))));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Accepted);
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:tenants} WHERE lower(email) = @email", ("@email", email))).ShouldBe(1);
        (await hosts[provider].CountAsync("SELECT COUNT(DISTINCT tenant_id) FROM {table:leases} WHERE lower(tenant_email) = @email", ("@email", email)))
            .ShouldBe(1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_keep_the_tenants_details_when_a_later_application_event_names_them_otherwise(string provider)
    {
        var (staff, propertyId, email, ada) = await KnownTenantAsync(provider);
        var leaseId = Guid.NewGuid();

        await hosts[provider].PublishAndWaitAsync(new LeaseApplicationSubmitted
        {
            LeaseId = leaseId, PropertyId = propertyId, UnitId = Guid.NewGuid(), ApplicantId = ada, ApplicantName = "Eve Impostor",
            ApplicantEmail = "eve@evil.example.com", MonthlyRent = new Money(1850m, "USD"), SecurityDeposit = new Money(0m, "USD"),
            LeaseStart = LeaseTerm.Start, LeaseEnd = LeaseTerm.End, SubmittedAt = DateTimeOffset.UtcNow,
        }, "the application event was projected");

        var tenant = await staff.GetJsonAsync($"/api/tenants/{ada}");
        tenant.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        tenant.GetProperty("email").GetString().ShouldBe(email);
        tenant.GetProperty("leases").EnumerateArray().Select(l => l.GetProperty("leaseId").GetGuid()).ShouldContain(leaseId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_change_a_tenants_details_through_a_staff_update_and_refuse_an_address_another_tenant_has(string provider)
    {
        var (staff, propertyId, _, ada) = await KnownTenantAsync(provider);
        var otherEmail = $"grace-{Guid.NewGuid():N}@example.com";
        await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, "grace"), otherEmail, "Grace Hopper");
        var newEmail = $"ada.king-{Guid.NewGuid():N}@example.com";

        var taken = await staff.PatchAsJsonAsync($"/api/tenants/{ada}", new { email = otherEmail.ToUpperInvariant() });
        var changed = await staff.PatchAsJsonAsync($"/api/tenants/{ada}", new { name = "Ada King", email = newEmail });
        var accountant = await hosts[provider].SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var refused = await accountant.PatchAsJsonAsync($"/api/tenants/{ada}", new { name = "Someone Else" });

        await taken.ShouldAnswerProblemAsync(HttpStatusCode.Conflict);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var tenant = await staff.GetJsonAsync($"/api/tenants/{ada}");
        tenant.GetProperty("name").GetString().ShouldBe("Ada King");
        tenant.GetProperty("email").GetString().ShouldBe(newEmail);
        var again = await staff.ApplyAsync(PortalRequests.Application(propertyId, await staff.AddUnitAsync(propertyId, "again"), newEmail, name: "Ada King"));
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted, await again.Content.ReadAsStringAsync());
        var leaseId = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant").GetProperty("tenantId").GetGuid().ShouldBe(ada);
    }

    async Task<(HttpClient Staff, Guid PropertyId, string Email, Guid TenantId)> KnownTenantAsync(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var leaseId = await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, "1"), email);
        var tenantId = (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant").GetProperty("tenantId").GetGuid();
        return (staff, propertyId, email, tenantId);
    }
}
