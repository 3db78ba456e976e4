using Microsoft.Data.Sqlite;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// The in-memory transport builds its exchanges and bindings anew at every start, and a message sent to an exchange
/// nothing is bound to yet is simply dropped. What a stop or a crash left committed but undelivered (bus-outbox
/// transactions, handlers' outputs, due timeouts) is sent again at the next start, so that sending must wait until every
/// receive endpoint is bound; otherwise the outbox marks the message delivered and it is gone.
/// </summary>
public sealed class When_an_in_memory_endpoint_restarts_with_committed_messages_undelivered : IAsyncLifetime
{
    const int Requests = 3;

    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-inmemory-{Guid.NewGuid():N}.db");
    EndpointProcess _endpoint = null!;

    public async Task InitializeAsync()
    {
        _endpoint = new EndpointProcess(Path.Combine(AppContext.BaseDirectory, "Orchestration.TestEndpoint.dll"), new Dictionary<string, string>
        {
            ["Bus__Transport"] = "InMemory",
            ["Storage__Provider"] = "Sqlite",
            ["Storage__ConnectionString"] = $"Data Source={_database}",
            ["Storage__Schema"] = "probe",
            ["Scheduler__Host"] = "true",
            ["Test__BusStartDelay"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        });
        await _endpoint.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        TestDatabase.DeleteSqliteFiles(_database);
    }

    [Fact]
    public async Task Should_deliver_each_of_them_once_the_bus_is_bound()
    {
        var effects = Enumerable.Range(0, Requests).Select(_ => NewId.NextGuid()).ToList();
        using var http = new HttpClient();

        // Each request commits its row and its event, and the process dies before the event is sent.
        foreach (var effect in effects)
        {
            var port = await _endpoint.PortAsync();
            await Should.ThrowAsync<HttpRequestException>(() => http.PostAsync($"http://127.0.0.1:{port}/effects/{effect}?crash=true", null));
            await _endpoint.WaitForExitAsync(TimeSpan.FromSeconds(30));
            if (effect != effects[^1])
                await _endpoint.StartAsync();
        }

        (await CountAsync("SELECT COUNT(*) FROM probe_effects WHERE kind = 'requested'")).ShouldBe(Requests);

        // Each start (the ones between the crashes, and this one) finds the previous event committed and undelivered.
        await _endpoint.StartAsync();

        var missing = new List<Guid>();
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                missing.Clear();
                foreach (var effect in effects)
                {
                    if (await CountAsync($"SELECT COUNT(*) FROM probe_effects WHERE kind = 'applied' AND upper(CAST(effect_id AS text)) = '{effect.ToString().ToUpperInvariant()}'") == 0)
                        missing.Add(effect);
                }

                return missing.Count == 0;
            }, TimeSpan.FromSeconds(30), "every committed event was delivered");
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"{missing.Count} of {Requests} events were never delivered, and {await CountAsync("SELECT COUNT(*) FROM probe_outbox_state")} remain in the outbox\n{_endpoint.Output}");
        }

        (await CountAsync("SELECT COUNT(*) FROM probe_effects WHERE kind = 'applied'")).ShouldBe(Requests);
    }

    async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
