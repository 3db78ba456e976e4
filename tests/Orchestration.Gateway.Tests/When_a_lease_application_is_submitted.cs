namespace Orchestration.Gateway.Tests;

public sealed class When_a_lease_application_is_submitted(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_record_the_lease_hold_the_unit_and_send_the_application_to_leasing()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);

        var response = await staff.ApplyAsync(PortalRequests.Application(propertyId, unitId, "grace@example.com"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/leases/{leaseId}");

        var lease = await staff.GetJsonAsync($"/api/leases/{leaseId}");
        lease.GetProperty("state").GetString().ShouldBe("Submitted");
        lease.GetProperty("propertyId").GetGuid().ShouldBe(propertyId);
        lease.GetProperty("unitId").GetGuid().ShouldBe(unitId);
        lease.GetProperty("tenant").GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        lease.GetProperty("tenant").GetProperty("email").GetString().ShouldBe("grace@example.com");
        lease.GetProperty("monthlyRent").GetProperty("amount").GetDecimal().ShouldBe(2400m);
        lease.GetProperty("securityDeposit").GetProperty("currency").GetString().ShouldBe("USD");
        lease.GetProperty("leaseStart").GetString().ShouldBe(LeaseTerm.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        lease.GetProperty("timeline").GetArrayLength().ShouldBe(0);

        var unit = await staff.GetJsonAsync($"/api/units/{unitId}");
        unit.GetProperty("status").GetString().ShouldBe("held");
        unit.GetProperty("leaseId").GetGuid().ShouldBe(leaseId);

        var tenantId = lease.GetProperty("tenant").GetProperty("tenantId").GetGuid();
        var tenant = await staff.GetJsonAsync($"/api/tenants/{tenantId}");
        tenant.GetProperty("status").GetString().ShouldBe("applicant");
        tenant.GetProperty("currentLeaseId").GetGuid().ShouldBe(leaseId);
        tenant.GetProperty("leases").EnumerateArray().Single().GetProperty("leaseId").GetGuid().ShouldBe(leaseId);

        var command = (await Gateway.SettledCommandsForLeaseAsync(nameof(SubmitLeaseApplication), leaseId)).ShouldHaveSingleItem();
        command.GetProperty("unitId").GetGuid().ShouldBe(unitId);
        command.GetProperty("applicantId").GetGuid().ShouldBe(tenantId);
        command.GetProperty("applicantEmail").GetString().ShouldBe("grace@example.com");
        decimal.Parse(command.GetProperty("monthlyRent").GetProperty("amount").ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(2400m);
    }

    [Fact]
    public async Task Should_apply_again_as_the_same_tenant_when_the_email_is_known()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var email = $"returning-{Guid.NewGuid():N}@example.com";
        var first = await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, "1"), email);

        var second = await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId, "2"), email.ToUpperInvariant());

        var firstTenant = (await staff.GetJsonAsync($"/api/leases/{first}")).GetProperty("tenant").GetProperty("tenantId").GetGuid();
        var secondTenant = (await staff.GetJsonAsync($"/api/leases/{second}")).GetProperty("tenant").GetProperty("tenantId").GetGuid();
        secondTenant.ShouldBe(firstTenant);
        (await staff.GetJsonAsync($"/api/tenants/{firstTenant}")).GetProperty("leases").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Should_refuse_a_unit_that_is_not_vacant_with_a_409_problem_and_change_nothing()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var holder = await staff.AppliedAsync(propertyId, unitId);

        var second = await staff.ApplyAsync(PortalRequests.Application(propertyId, unitId, "someone.else@example.com"));

        (await second.ShouldAnswerProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain(holder.ToString());
        await Gateway.SettledCommandsForLeaseAsync(nameof(SubmitLeaseApplication), holder);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.leases WHERE unit_id = @unit", ("unit", unitId))).ShouldBe(1);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.tenants WHERE email = @email", ("email", "someone.else@example.com"))).ShouldBe(0);
        (await Gateway.CommandsToLeaseSigningAsync())
            .Count(c => c.GetProperty("message").TryGetProperty("unitId", out var unit) && unit.GetGuid() == unitId).ShouldBe(1);
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("leaseId").GetGuid().ShouldBe(holder);
    }

    [Fact]
    public async Task Should_refuse_a_unit_that_does_not_exist_or_belongs_to_another_property()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var otherProperty = await staff.CreatePropertyAsync("Riverside Lofts");
        var otherUnit = await staff.AddUnitAsync(otherProperty);

        await (await staff.ApplyAsync(PortalRequests.Application(propertyId, Guid.NewGuid()))).ShouldAnswerProblemAsync(HttpStatusCode.Conflict);
        await (await staff.ApplyAsync(PortalRequests.Application(propertyId, otherUnit))).ShouldAnswerProblemAsync(HttpStatusCode.Conflict);

        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.leases WHERE property_id = @property", ("property", propertyId))).ShouldBe(0);
        (await staff.GetJsonAsync($"/api/units/{otherUnit}")).GetProperty("status").GetString().ShouldBe("vacant");
    }

    [Fact]
    public async Task Should_refuse_an_invalid_application_with_a_problem_naming_each_field()
    {
        var staff = await Gateway.SignInAsAdminAsync();

        var response = await staff.ApplyAsync(new { applicantEmail = "not-an-address", monthlyRent = -1, currency = "dollars" }, idempotencyKey: "k-invalid");

        var errors = (await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).ShouldBe(
            ["propertyId", "unitId", "applicantName", "applicantEmail", "monthlyRent", "securityDeposit", "currency", "leaseStart", "leaseEnd"], ignoreOrder: true);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.idempotency_keys WHERE idempotency_key = 'k-invalid'")).ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_amounts_that_billing_could_never_charge()
    {
        var staff = await Gateway.SignInAsAdminAsync();

        foreach (var (body, field) in new (object, string)[]
        {
            (new { monthlyRent = 3200.005m, securityDeposit = 100m, currency = "USD" }, "monthlyRent"),
            (new { monthlyRent = 7.9e27m, securityDeposit = 100m, currency = "USD" }, "monthlyRent"),
            (new { monthlyRent = 3200m, securityDeposit = 0.001m, currency = "USD" }, "securityDeposit"),
            (new { monthlyRent = 3200m, securityDeposit = 100m, currency = "JPY" }, "currency"),
            (new { monthlyRent = 3200m, securityDeposit = 100m, currency = "KWD" }, "currency"),
        })
        {
            var errors = (await (await staff.ApplyAsync(body)).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
            errors.TryGetProperty(field, out _).ShouldBeTrue($"{field} is named for {body}");
        }
    }

    [Fact]
    public async Task Should_answer_a_retry_with_the_same_idempotency_key_with_the_same_lease_and_send_once()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var key = $"apply-{Guid.NewGuid():N}";
        var application = PortalRequests.Application(propertyId, unitId);

        var first = await staff.ApplyAsync(application, key);
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => staff.ApplyAsync(application, key)));

        var answers = new List<(HttpStatusCode Status, Guid LeaseId, string? Location)>();
        foreach (var response in retries.Prepend(first))
            answers.Add((response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid(),
                response.Headers.Location?.ToString()));
        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Accepted);
        var leaseId = answers[0].LeaseId;
        answers.ShouldAllBe(a => a.LeaseId == leaseId && a.Location == $"/api/leases/{leaseId}");

        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.leases WHERE unit_id = @unit", ("unit", unitId))).ShouldBe(1);
        (await Gateway.SettledCommandsForLeaseAsync(nameof(SubmitLeaseApplication), leaseId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_the_same_idempotency_key_for_a_different_application_with_422()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var key = $"apply-{Guid.NewGuid():N}";
        var leaseId = (await (await staff.ApplyAsync(PortalRequests.Application(propertyId, unitId), key)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("leaseId").GetGuid();

        var reused = await staff.ApplyAsync(PortalRequests.Application(propertyId, unitId, monthlyRent: 2500m), key);

        await reused.ShouldAnswerProblemAsync(HttpStatusCode.UnprocessableEntity);
        (await Gateway.CountAsync("SELECT COUNT(*) FROM {schema}.leases WHERE unit_id = @unit", ("unit", unitId))).ShouldBe(1);
        (await staff.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("monthlyRent").GetProperty("amount").GetDecimal().ShouldBe(2400m);
    }

    [Fact]
    public async Task Should_send_a_cancellation_for_a_lease_in_progress_naming_who_cancelled()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var leaseId = await staff.AppliedAsync(propertyId, await staff.AddUnitAsync(propertyId));

        var response = await staff.PostAsJsonAsync($"/api/leases/{leaseId}/cancel", new { reason = "Applicant withdrew" });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        response.Headers.Location!.ToString().ShouldBe($"/api/leases/{leaseId}");
        var cancel = (await Gateway.SettledCommandsForLeaseAsync(nameof(CancelLease), leaseId)).ShouldHaveSingleItem();
        cancel.GetProperty("reason").GetString().ShouldBe("Applicant withdrew");
        cancel.GetProperty("cancelledBy").GetString().ShouldBe(GatewayApiHost.AdminEmail);
    }

    [Fact]
    public async Task Should_refuse_to_cancel_without_a_reason_or_after_the_lease_has_ended()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var leaseId = await staff.AppliedAsync(propertyId, unitId);

        (await (await staff.PostAsJsonAsync($"/api/leases/{leaseId}/cancel", new { reason = "" })).ShouldAnswerProblemAsync(HttpStatusCode.BadRequest))
            .GetProperty("errors").TryGetProperty("reason", out _).ShouldBeTrue();

        var declined = Guid.NewGuid();
        await Gateway.PublishAsync(new LeaseApplicationDeclined
        {
            LeaseId = leaseId, PropertyId = propertyId, UnitId = unitId, ApplicantId = Guid.NewGuid(), ScreeningId = "scr_1", Reason = "Income",
            DeclinedAt = DateTimeOffset.UtcNow,
        }, declined);
        await Gateway.ConsumedAsync(declined, "the decline was projected");

        var response = await staff.PostAsJsonAsync($"/api/leases/{leaseId}/cancel", new { reason = "Applicant withdrew" });

        (await response.ShouldAnswerProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("Declined");
        (await Gateway.CommandsForLeaseAsync(nameof(CancelLease), leaseId)).ShouldBeEmpty();
    }
}
