using Npgsql;

namespace Orchestration.Gateway.Tests;

/// <summary>
/// While PostgreSQL refuses the Gateway's connections (restarting, out of connections), a request gets 503 with
/// <c>Retry-After</c> and a problem that says to send it again, never a 500, and a change it asked for is not half-made;
/// once the database is back the same requests succeed. On a database of the test's own, whose connection limit the test
/// sets to none and whose open connections it ends.
/// </summary>
public sealed class When_the_database_is_away : IAsyncLifetime
{
    StaffApiHost _host = null!;

    public async Task InitializeAsync() => _host = await StaffApiHost.StartAsync(await TestDatabase.OnOwnPostgresDatabaseAsync("gwaway"));

    public async Task DisposeAsync()
    {
        await AllowConnectionsAsync(true);
        await _host.DisposeAsync();
    }

    async Task AllowConnectionsAsync(bool allowed)
    {
        var database = _host.Database.PostgresDatabaseName;
        await using var connection = new NpgsqlConnection(TestServers.PostgresConnectionString);
        await connection.OpenAsync();
        await using (var limit = new NpgsqlCommand($"ALTER DATABASE \"{database}\" CONNECTION LIMIT {(allowed ? -1 : 0)}", connection))
            await limit.ExecuteNonQueryAsync();
        if (allowed)
            return;
        // Waits up to 5 s for each connection to be gone.
        await using var end = new NpgsqlCommand("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = @database", connection);
        end.Parameters.AddWithValue("database", database);
        await end.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_and_serve_the_same_requests_once_it_is_back()
    {
        await using (var role = new NpgsqlConnection(TestServers.PostgresConnectionString))
        {
            await role.OpenAsync();
            await using var superuser = new NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", role);
            ((bool)(await superuser.ExecuteScalarAsync())!).ShouldBeFalse(
                "the suite's PostgreSQL role must not be a superuser, whom a connection limit does not stop (scripts/services.sh creates one that is not)");
        }

        var admin = await _host.SignInAsAdminAsync();
        (await admin.GetAsync("/api/properties")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await AllowConnectionsAsync(false);

        foreach (var send in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => admin.GetAsync("/api/properties"),
                     () => admin.PostAsJsonAsync("/api/properties", PortalRequests.Property("Outage Towers")),
                 })
        {
            using var response = await send();
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
            response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(5));
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Storage unavailable");
        }

        await AllowConnectionsAsync(true);

        // A connection ended while idle in the Gateway's pool fails the request that draws it (503), once.
        var properties = "";
        await Eventually.HoldsAsync(async () =>
        {
            using var list = await admin.GetAsync("/api/properties");
            properties = await list.Content.ReadAsStringAsync();
            return list.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "the properties are served again");
        properties.ShouldNotContain("Outage Towers", customMessage: "the refused change was not made");
        await Eventually.HoldsAsync(async () =>
        {
            using var create = await admin.PostAsJsonAsync("/api/properties", PortalRequests.Property("Outage Towers"));
            return create.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(20), "the same change is made once the database is back");
        _host.Logs.Entries.ShouldNotContain(e => e.StartsWith("Error Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal),
            "a database that is away is no unhandled error of the Gateway's");
    }
}
