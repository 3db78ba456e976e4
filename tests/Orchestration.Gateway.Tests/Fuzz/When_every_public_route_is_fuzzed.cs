using System.Globalization;
using CsCheck;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace Orchestration.Gateway.Tests.Fuzz;

/// <summary>
/// Every route the Gateway maps (found in its endpoint data source, so a new route without a fuzzer fails here) gets
/// generated requests per run: mutated bodies, paths, queries and headers, signed and unsigned webhooks. None may answer
/// 5xx, the log may hold no unhandled exception, and a batch whose every request was refused (4xx), or only read, leaves
/// the Gateway's tables as they were. Runs are seeded: the seed of a failing run is printed, and <c>FUZZ_SEED</c> replays
/// it; <c>FUZZ_ROUTES</c> (parts of "METHOD /pattern", comma-separated) limits a replay to the failing route.
/// <c>FUZZ_REQUESTS</c> sets the requests per route and run (default <see cref="DefaultRequests"/>), shared between the
/// two engines: each sends half, so a run still fuzzes every route that many times and the Gateway tests stay within the
/// suite's budget as routes are added. The host hashes passwords with fewer PBKDF2 iterations than production (see
/// <see cref="StaffApiHost"/>), so the routes that hash stay as cheap as the rest.
/// </summary>
/// <remarks>One class per engine, so that the two run at the same time.</remarks>
public abstract class When_every_public_route_is_fuzzed(StaffApiHost host, ITestOutputHelper output)
{
    const int BatchSize = 20;

    const int DefaultRequests = 10_000;

    const int Engines = 2;

    // This engine's share of the run's requests per route.
    static int RequestsPerRoute =>
        (int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var requests) ? requests : DefaultRequests) / Engines;

    static string? Seed => Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    static bool Selected(string route) =>
        Environment.GetEnvironmentVariable("FUZZ_ROUTES") is not { Length: > 0 } only
        || only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(part => route.Contains(part, StringComparison.Ordinal));

    [Fact]
    public async Task Should_answer_every_route_without_a_5xx_and_change_nothing_for_a_refused_request()
    {
        var provider = host.Database.Provider;
        var world = await WorldAsync(host);
        var fuzzers = new RouteFuzzers(world).All;
        var routes = Routes(host);
        routes.Where(r => !fuzzers.ContainsKey(r)).ShouldBeEmpty("every route the Gateway maps has a fuzzer");

        var session = await host.SignInAsAdminAsync();
        var anonymous = host.Client();
        anonymous.DefaultRequestHeaders.Remove("X-Requested-With");
        var state = new TableState(host);
        var started = DateTime.UtcNow;

        foreach (var route in routes.Where(Selected))
        {
            var routeStarted = DateTime.UtcNow;
            // The tables as the last batch left them when it was checked: the next batch starts from there without reading
            // them again (about half the reads of a route whose requests are mostly refused).
            string? checkedState = null;
            await fuzzers[route].Array[BatchSize].SampleAsync(async batch =>
            {
                var before = checkedState ?? await state.ReadAsync();
                checkedState = null;
                var statuses = new List<int>();
                foreach (var request in batch)
                {
                    using var message = request.ToMessage();
                    using var response = await (request.Identity == FuzzIdentity.Session ? session : anonymous).SendAsync(message);
                    var status = (int)response.StatusCode;
                    if (status >= 500)
                        throw new InvalidOperationException($"{status} for {request}: {await response.Content.ReadAsStringAsync()}" +
                                                            $"{Environment.NewLine}The host's last errors:{Environment.NewLine}" +
                                                            string.Join(Environment.NewLine, host.Logs.Entries.Where(IsError).TakeLast(3)));
                    statuses.Add(status);
                }

                if (batch.Zip(statuses).All(r => r.Second is >= 400 and < 500 || r.First.ChangesNothingWhenRead))
                {
                    var after = await state.ReadAsync();
                    if (after != before)
                        throw new InvalidOperationException($"Refused or read-only requests changed the tables ({before} → {after}): " +
                                                            string.Join(" | ", batch.Zip(statuses).Select(r => $"{r.Second} {r.First}")));
                    checkedState = after;
                }
            }, writeLine: output.WriteLine, seed: Seed, iter: Math.Max(1, RequestsPerRoute / BatchSize), threads: 1,
                print: batch => string.Join(Environment.NewLine, batch.Select(r => r.ToString())));
            output.WriteLine($"{route}: {RequestsPerRoute} requests in {(DateTime.UtcNow - routeStarted).TotalSeconds:0.0} s");
        }

        output.WriteLine($"{routes.Count} routes, {routes.Count * RequestsPerRoute} requests on {provider} in {DateTime.UtcNow - started:mm\\:ss}");
        host.Logs.Entries.Where(IsError).Take(5).ShouldBeEmpty("no request ended in an unhandled exception");
    }

    static bool IsError(string entry) => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal);

    // The portal's endpoints (pages, the Blazor hub, static assets) are the framework's: they write nothing, and a page's
    // data and actions go through the API routes fuzzed here.
    static List<string> Routes(StaffApiHost host) =>
        [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Orchestration.Endpoints.Gateway.Portal.PortalEndpoint>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} {e.RoutePattern.RawText}"))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    static async Task<FuzzWorld> WorldAsync(StaffApiHost host)
    {
        var admin = await host.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync("Fuzz Towers");
        var unitId = await admin.AddUnitAsync(propertyId, "F0");
        var email = $"fuzz-{Guid.NewGuid():N}@example.com";
        var leaseId = await admin.AppliedAsync(propertyId, unitId, email);
        var tenantId = (await admin.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant").GetProperty("tenantId").GetGuid();
        var user = await admin.PostAsJsonAsync("/api/users", new
        {
            email = $"fuzz-target-{Guid.NewGuid():N}@staff-api.test", displayName = "Fuzz target", password = StaffCredentials.Password, roles = new[] { "operator" },
        });
        user.StatusCode.ShouldBe(HttpStatusCode.Created, await user.Content.ReadAsStringAsync());
        var userId = (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var vacant = new List<Guid>();
        for (var i = 1; i <= 40; i++)
            vacant.Add(await admin.AddUnitAsync(propertyId, $"V{i}"));
        return new FuzzWorld(propertyId, unitId, leaseId, tenantId, email, userId, vacant);
    }

    /// <summary>A fingerprint of the Gateway's own tables: row counts, and the newest change where a table records one.</summary>
    sealed class TableState(StaffApiHost host)
    {
        static readonly string[] Counted = ["properties", "units", "leases", "lease_timeline", "tenants", "idempotency_keys", "users", "api_tokens", "webhook_receipts",
            "operations_audit", "failed_message_group_note"];
        static readonly string[] Stamped = ["properties", "leases", "tenants"];

        // One statement, so the fingerprint costs one round trip per batch.
        static readonly string Sql = "SELECT " + string.Join(" || ' ' || ", Counted.Select(t => $"CAST((SELECT COUNT(*) FROM {{table:{t}}}) AS text)")
            .Concat(Stamped.Select(t => $"CAST((SELECT COALESCE(MAX(updated_at), 0) FROM {{table:{t}}}) AS text)"))
            .Append("CAST((SELECT COUNT(*) FROM {table:units} WHERE status <> 'vacant') AS text)"));

        public Task<string> ReadAsync() => host.TextAsync(Sql);
    }
}

public sealed class When_every_public_route_is_fuzzed_on_sqlite(FuzzHost.OnSqlite fixture, ITestOutputHelper output)
    : When_every_public_route_is_fuzzed(fixture.Host, output), IClassFixture<FuzzHost.OnSqlite>;

public sealed class When_every_public_route_is_fuzzed_on_postgres(FuzzHost.OnPostgres fixture, ITestOutputHelper output)
    : When_every_public_route_is_fuzzed(fixture.Host, output), IClassFixture<FuzzHost.OnPostgres>;

/// <summary>A Gateway of its own for one engine's fuzz run.</summary>
public abstract class FuzzHost(string provider) : IAsyncLifetime
{
    public StaffApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await StaffApiHost.StartAsync(provider);

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public sealed class OnSqlite() : FuzzHost(TestDatabase.Sqlite);

    public sealed class OnPostgres() : FuzzHost(TestDatabase.Postgres);
}
