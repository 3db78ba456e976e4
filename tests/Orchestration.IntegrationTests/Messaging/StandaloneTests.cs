using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Testing;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>The standalone host as a user runs it: one process, SQLite, in-memory transport, spoken to over HTTP only.</summary>
[Collection(BusCollection.Name)]
public sealed class When_the_platform_runs_standalone : IAsyncLifetime
{
    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-standalone-{Guid.NewGuid():N}.db");
    EndpointProcess _host = null!;

    public async Task InitializeAsync()
    {
        // tests/Orchestration.IntegrationTests/bin/<Configuration>/net10.0 → src/Endpoints/Standalone/bin/<Configuration>/net10.0
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var assembly = Path.Combine(root, "src", "Endpoints", "Standalone", "bin", configuration, "net10.0", "Orchestration.Endpoints.Standalone.dll");

        // Every port free and chosen here, so providers, simulators and webhooks find each other.
        var port = EndpointProcess.FreePort();
        var (payments, esign, screening, mail) = (EndpointProcess.FreePort(), EndpointProcess.FreePort(), EndpointProcess.FreePort(), EndpointProcess.FreePort());
        _host = new EndpointProcess(assembly, new Dictionary<string, string>
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
        }, port);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            File.Delete(file);
    }

    [Fact]
    public async Task Should_take_an_application_and_start_the_lease_signing_saga()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _host.PortAsync()}") };
        (await http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await http.PostAsJsonAsync("/api/lease-applications", new
        {
            propertyId = Guid.NewGuid(),
            unitId = Guid.NewGuid(),
            applicantName = "Ada Lovelace",
            applicantEmail = "ada@example.com",
            monthlyRent = 1850.00m,
            securityDeposit = 1850.00m,
            currency = "USD",
            leaseStart = "2027-01-01",
            leaseEnd = "2027-12-31",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();

        await Eventually.HoldsAsync(async () =>
        {
            var lease = await http.GetAsync($"/api/leases/{leaseId}");
            return lease.IsSuccessStatusCode &&
                   (await lease.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() == "AwaitingScreening";
        }, TimeSpan.FromSeconds(20), "the lease waits for screening");
    }

    [Fact]
    public async Task Should_take_a_lease_from_application_to_active_through_the_simulated_third_parties()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _host.PortAsync()}") };
        var response = await http.PostAsJsonAsync("/api/lease-applications", new
        {
            propertyId = Guid.NewGuid(),
            unitId = Guid.NewGuid(),
            applicantName = "Grace Hopper",
            applicantEmail = "grace@example.com",
            monthlyRent = 2100.00m,
            securityDeposit = 2100.00m,
            currency = "USD",
            leaseStart = "2027-02-01",
            leaseEnd = "2028-01-31",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var leaseId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();

        // Screening decision, tenant signature, countersignature, move-in payment and access code all arrive
        // from the simulators through signed webhooks and the endpoints' consumers.
        string? state = null;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                var lease = await http.GetAsync($"/api/leases/{leaseId}");
                state = lease.IsSuccessStatusCode ? (await lease.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() : null;
                return state == "Active";
            }, TimeSpan.FromSeconds(60), "the lease became active");
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"The lease stopped in {state}:\n{_host.Output}");
        }
    }

    [Fact]
    public async Task Should_reject_an_invalid_application_with_problem_details()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _host.PortAsync()}") };

        var response = await http.PostAsJsonAsync("/api/lease-applications", new { applicantEmail = "not-an-address", monthlyRent = -1 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("applicantEmail", out _).ShouldBeTrue();
        errors.TryGetProperty("monthlyRent", out _).ShouldBeTrue();
        (await http.GetAsync($"/api/leases/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
