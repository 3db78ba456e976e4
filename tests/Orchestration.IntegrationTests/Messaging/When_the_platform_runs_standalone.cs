using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// The standalone host as a user runs it: one process, SQLite, in-memory transport, spoken to over HTTP only, signed in
/// as the demo property manager with the password the host printed at start-up.
/// </summary>
[Collection(BusCollection.Name)]
public sealed partial class When_the_platform_runs_standalone : IAsyncLifetime
{
    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-standalone-{Guid.NewGuid():N}.db");
    readonly List<HttpClient> _clients = [];
    readonly EgressRecorder _egress = new();
    EndpointProcess _host = null!;
    Uri _address = null!;

    [GeneratedRegex(@"Sign in at (?<address>\S+) as (?<email>\S+) with password (?<password>\S+)")]
    private static partial Regex SignInLine();

    public async Task InitializeAsync()
    {
        // tests/Orchestration.IntegrationTests/bin/<Configuration>/net10.0 → src/Endpoints/Standalone/bin/<Configuration>/net10.0
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var assembly = Path.Combine(root, "src", "Endpoints", "Standalone", "bin", configuration, "net10.0", "Orchestration.Endpoints.Standalone.dll");

        // Every port free and chosen here, so providers, simulators and webhooks find each other.
        var port = FreePort.Next();
        var (payments, esign, screening, mail) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
        var settings = _egress.ProxySettings();
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = $"Data Source={_database}",
            ["Simulators__Payments__Url"] = $"http://127.0.0.1:{payments}",
            ["Simulators__Payments__Webhook__Url"] = $"http://127.0.0.1:{port}/webhooks/payments",
            ["Simulators__ESignature__Url"] = $"http://127.0.0.1:{esign}",
            ["Simulators__ESignature__Webhook__Url"] = $"http://127.0.0.1:{port}/webhooks/esign",
            ["Simulators__Screening__Url"] = $"http://127.0.0.1:{screening}",
            ["Simulators__Screening__Webhook__Url"] = $"http://127.0.0.1:{port}/webhooks/screening",
            ["Simulators__Mail__Url"] = $"http://127.0.0.1:{mail}",
            ["Leasing__Screening__BaseUrl"] = $"http://127.0.0.1:{screening}",
            ["Leasing__ESignature__BaseUrl"] = $"http://127.0.0.1:{esign}",
            ["Billing__Payments__BaseUrl"] = $"http://127.0.0.1:{payments}",
        })
            settings[key] = value;

        _host = new EndpointProcess(assembly, settings, port);
        await _host.StartAsync();
        _address = new Uri($"http://127.0.0.1:{await _host.PortAsync()}");
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await _host.DisposeAsync();
        await _egress.DisposeAsync();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            File.Delete(file);
    }

    [Fact]
    public async Task Should_print_one_sign_in_line_whose_password_works_for_the_demo_staff()
    {
        var (email, password) = await PrintedSignInAsync();

        email.ShouldBe("manager@example.test");
        Regex.Matches(_host.Output, "Sign in at ").Count.ShouldBe(1);
        var manager = await SignInAsync(email, password);
        (await manager.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString())
            .ShouldBe(["property-manager"]);
        var admin = await SignInAsync("admin@example.test", password);
        (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldContain("admin");
    }

    [Fact]
    public async Task Should_offer_demo_properties_with_vacant_units_and_an_applicant()
    {
        var staff = await SignInAsManagerAsync();

        var properties = (await staff.GetFromJsonAsync<JsonElement>("/api/properties")).GetProperty("items").EnumerateArray().ToList();
        properties.Count.ShouldBe(3);
        foreach (var property in properties)
        {
            var units = await staff.GetFromJsonAsync<JsonElement>($"/api/properties/{property.GetProperty("propertyId").GetGuid()}/units");
            units.GetArrayLength().ShouldBeGreaterThanOrEqualTo(2);
            units.EnumerateArray().ShouldAllBe(u => u.GetProperty("status").GetString() == "vacant");
        }

        var tenants = (await staff.GetFromJsonAsync<JsonElement>("/api/tenants")).GetProperty("items").EnumerateArray().ToList();
        tenants.ShouldContain(t => t.GetProperty("status").GetString() == "prospect" && t.GetProperty("email").GetString()!.Length > 0);
    }

    [Fact]
    public async Task Should_answer_401_to_anyone_not_signed_in()
    {
        var stranger = Client();

        (await stranger.GetAsync("/api/leases")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var (propertyId, unitId, _) = await VacantUnitAsync(await SignInAsManagerAsync());
        var response = await stranger.PostAsJsonAsync("/api/lease-applications", Application(propertyId, unitId, 1850m, "ada@example.com"));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Should_take_an_application_and_start_the_lease_signing_saga()
    {
        var staff = await SignInAsManagerAsync();

        var (response, leaseId, unitId) = await ApplyForAVacantUnitAsync(staff, "ada@example.com");
        response.Headers.Location!.ToString().ShouldBe($"/api/leases/{leaseId}");
        (await staff.GetFromJsonAsync<JsonElement>($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("held");

        await Eventually.HoldsAsync(async () =>
        {
            var lease = await staff.GetFromJsonAsync<JsonElement>($"/api/leases/{leaseId}");
            return lease.GetProperty("timeline").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first &&
                   first.GetProperty("step").GetString() == "ApplicationSubmitted" && first.GetProperty("state").GetString() == "AwaitingScreening";
        }, TimeSpan.FromSeconds(20), "the saga took the application and the lease waits for screening");
    }

    [Fact]
    public async Task Should_reach_no_host_but_the_configured_servers_and_providers()
    {
        await Should_take_a_lease_from_application_to_active_through_the_simulated_third_parties();
        await _host.TerminateAsync(TimeSpan.FromSeconds(30));

        _egress.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_take_a_lease_from_application_to_active_through_the_simulated_third_parties()
    {
        var staff = await SignInAsManagerAsync();
        var (_, leaseId, unitId) = await ApplyForAVacantUnitAsync(staff, "grace@example.com");

        // Screening decision, tenant signature, countersignature, move-in payment and access code all arrive
        // from the simulators through signed webhooks and the endpoints' consumers.
        JsonElement lease = default;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                lease = await staff.GetFromJsonAsync<JsonElement>($"/api/leases/{leaseId}");
                return lease.GetProperty("state").GetString() == "Active";
            }, TimeSpan.FromSeconds(60), "the lease became active");
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"The lease stopped at {lease}:\n{_host.Output}");
        }

        // Each step reaches the timeline as an event of its own, so the last ones may still be on their way when the
        // lease's state says Active: the timeline is whole once it has the activation and no sequence number is missing.
        await Eventually.HoldsAsync(async () =>
        {
            lease = await staff.GetFromJsonAsync<JsonElement>($"/api/leases/{leaseId}");
            var steps = lease.GetProperty("timeline").EnumerateArray().ToList();
            return steps.Any(t => t.GetProperty("state").GetString() == "Active") &&
                steps.Select(t => t.GetProperty("sequence").GetInt32()).SequenceEqual(Enumerable.Range(1, steps.Count));
        }, TimeSpan.FromSeconds(10), "the activation and every step before it are in the timeline");
        var timeline = lease.GetProperty("timeline").EnumerateArray().ToList();
        timeline.Select(t => t.GetProperty("sequence").GetInt32()).ShouldBe(Enumerable.Range(1, timeline.Count));
        string[] milestones = ["ApplicationSubmitted", "ScreeningPassed", "SentForSignature", "TenantSigned", "LandlordCountersigned", "MoveInFundsReceived", "LeaseActivated"];
        timeline.Select(t => t.GetProperty("step").GetString()).Where(milestones.Contains).ShouldBe(milestones);
        timeline.Select(t => t.GetProperty("occurredAt").GetDateTimeOffset()).ShouldBeInOrder(SortDirection.Ascending);

        (await staff.GetFromJsonAsync<JsonElement>($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("leased");
        var tenantId = lease.GetProperty("tenant").GetProperty("tenantId").GetGuid();
        (await staff.GetFromJsonAsync<JsonElement>($"/api/tenants/{tenantId}")).GetProperty("status").GetString().ShouldBe("active");
    }

    [Fact]
    public async Task Should_reject_an_invalid_application_with_problem_details()
    {
        var staff = await SignInAsManagerAsync();

        var response = await staff.PostAsJsonAsync("/api/lease-applications", new { applicantEmail = "not-an-address", monthlyRent = -1 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("applicantEmail", out _).ShouldBeTrue();
        errors.TryGetProperty("monthlyRent", out _).ShouldBeTrue();
        var unknown = await staff.GetAsync($"/api/leases/{Guid.NewGuid()}");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    static object Application(Guid propertyId, Guid unitId, decimal rent, string email) => new
    {
        propertyId,
        unitId,
        applicantName = "Grace Hopper",
        applicantEmail = email,
        monthlyRent = rent,
        securityDeposit = rent,
        currency = "USD",
        leaseStart = LeaseTerm.Start,
        leaseEnd = LeaseTerm.End,
    };

    /// <summary>Applies for a vacant unit at its market rent, which the Gateway must accept; returns its answer and the lease's id.</summary>
    static async Task<(HttpResponseMessage Response, Guid LeaseId, Guid UnitId)> ApplyForAVacantUnitAsync(HttpClient staff, string email)
    {
        var (propertyId, unitId, rent) = await VacantUnitAsync(staff);
        var response = await staff.PostAsJsonAsync("/api/lease-applications", Application(propertyId, unitId, rent, email));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
        return (response, leaseId, unitId);
    }

    /// <summary>The first vacant unit of the first demo property, with its market rent.</summary>
    static async Task<(Guid PropertyId, Guid UnitId, decimal Rent)> VacantUnitAsync(HttpClient staff)
    {
        var property = (await staff.GetFromJsonAsync<JsonElement>("/api/properties")).GetProperty("items")[0].GetProperty("propertyId").GetGuid();
        var unit = (await staff.GetFromJsonAsync<JsonElement>($"/api/properties/{property}/units")).EnumerateArray()
            .First(u => u.GetProperty("status").GetString() == "vacant");
        return (property, unit.GetProperty("unitId").GetGuid(), unit.GetProperty("marketRent").GetProperty("amount").GetDecimal());
    }

    async Task<(string Email, string Password)> PrintedSignInAsync()
    {
        await Eventually.HoldsAsync(() => Task.FromResult(SignInLine().IsMatch(_host.Output)), TimeSpan.FromSeconds(10), "the host printed how to sign in");
        var line = SignInLine().Match(_host.Output);
        return (line.Groups["email"].Value, line.Groups["password"].Value);
    }

    async Task<HttpClient> SignInAsManagerAsync()
    {
        var (email, password) = await PrintedSignInAsync();
        return await SignInAsync(email, password);
    }

    async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"signing in as {email}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    HttpClient Client()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _address };
        client.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        _clients.Add(client);
        return client;
    }
}
