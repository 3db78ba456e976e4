using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Orchestration.EndToEnd.Tests.Standalone;

/// <summary>
/// The standalone host's webhook secrets and provider keys are made up for its database, not shipped with it: a
/// webhook signed with a secret from the repository is refused, one signed with the database's own secret is taken,
/// and a restart on the same file keeps it.
/// </summary>
public sealed class When_standalone_starts_on_a_new_database : IAsyncDisposable
{
    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-standalone-secrets-{Guid.NewGuid():N}.db");
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Should_sign_webhooks_with_secrets_of_its_own_kept_across_restarts()
    {
        var port = FreePort.Next();
        string stored;
        await using (var host = await StartAsync(port))
        {
            (await PostScreeningEventAsync(port, "screening_whsec_simulator", "evt_committed_secret")).ShouldBe(HttpStatusCode.BadRequest);
            stored = await StoredSecretAsync("screening-webhook");
            stored.ShouldNotBe("screening_whsec_simulator");
            (await PostScreeningEventAsync(port, stored, "evt_own_secret")).ShouldBe(HttpStatusCode.OK);
        }

        await using (var restarted = await StartAsync(port))
        {
            (await StoredSecretAsync("screening-webhook")).ShouldBe(stored);
            (await PostScreeningEventAsync(port, stored, "evt_after_restart")).ShouldBe(HttpStatusCode.OK);
        }
    }

    async Task<EndpointProcess> StartAsync(int port)
    {
        var (payments, esign, screening, mail) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
        var host = new EndpointProcess(Path.Combine(Repository.Root, "src/Endpoints/Standalone", "bin", Repository.Configuration, "net10.0",
            "Orchestration.Endpoints.Standalone.dll"), new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = $"Data Source={_database}",
            ["Simulators__Payments__Url"] = $"http://127.0.0.1:{payments}",
            ["Simulators__ESignature__Url"] = $"http://127.0.0.1:{esign}",
            ["Simulators__Screening__Url"] = $"http://127.0.0.1:{screening}",
            ["Simulators__Mail__Url"] = $"http://127.0.0.1:{mail}",
            ["Leasing__Screening__BaseUrl"] = $"http://127.0.0.1:{screening}",
            ["Leasing__ESignature__BaseUrl"] = $"http://127.0.0.1:{esign}",
            ["Billing__Payments__BaseUrl"] = $"http://127.0.0.1:{payments}",
            ["Logging__LogLevel__Default"] = "Warning",
        }, port);
        await host.StartAsync();
        return host;
    }

    async Task<HttpStatusCode> PostScreeningEventAsync(int port, string secret, string eventId)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{eventId}}","type":"screening.started"}""");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray()));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/webhooks/screening") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Signature", $"t={timestamp},v1={signature}");
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    async Task<string> StoredSecretAsync(string name)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM standalone_secrets WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return (string)(await command.ExecuteScalarAsync()).ShouldNotBeNull();
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        TestDatabase.DeleteSqliteFiles(_database);
        return ValueTask.CompletedTask;
    }
}
