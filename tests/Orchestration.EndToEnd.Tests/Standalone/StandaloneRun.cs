using Microsoft.Data.Sqlite;

namespace Orchestration.EndToEnd.Tests.Standalone;

/// <summary>
/// The standalone host as a process of its own on a fresh SQLite file, and the simulated third parties as another
/// process (real providers outlive us): the host can be killed or stopped and started again on the same file while
/// the simulators keep every payment intent and email they were asked for. Every port is free and chosen here.
/// </summary>
public sealed class StandaloneRun : IAsyncDisposable
{
    const string Password = "standalone-e2e-password";
    const string ManagerEmail = "manager@example.test";

    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-standalone-{Guid.NewGuid():N}.db");
    readonly EndpointProcess _simulators;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <param name="hostSettings">Settings of the host besides the run's own (configuration keys as environment variables).</param>
    public StandaloneRun(IReadOnlyDictionary<string, string>? hostSettings = null)
    {
        Port = FreePort.Next();
        var (payments, esign, screening, mail) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
        (Payments, ESignature, Screening, Mail) = (Loopback(payments), Loopback(esign), Loopback(screening), Loopback(mail));
        var host = Loopback(Port);

        // The secrets both processes share, made up for this run as the standalone host makes up its own.
        var secrets = new List<(string Simulator, string Host, string Value)>
        {
            ("Simulators__Payments__Webhook__Secret", "Gateway__Webhooks__Payments__Secret", PaymentsWebhookSecret),
            ("Simulators__ESignature__Webhook__Secret", "Gateway__Webhooks__ESignature__Secret", Made("esign_whsec_")),
            ("Simulators__Screening__Webhook__Secret", "Gateway__Webhooks__Screening__Secret", Made("screening_whsec_")),
            ("Simulators__Payments__SecretKey", "Billing__Payments__SecretKey", PaymentsSecretKey),
            ("Simulators__ESignature__ApiKey", "Leasing__ESignature__ApiKey", Made("esign_")),
            ("Simulators__Screening__ApiKey", "Leasing__Screening__ApiKey", Made("screening_")),
        };

        // Webhooks keep being retried while the host is down, and come back quickly once it is up again.
        var webhookRetries = new[] { "Payments", "ESignature", "Screening" }.SelectMany(name => new[]
        {
            ($"Simulators__{name}__Webhook__MaxAttempts", "30"),
            ($"Simulators__{name}__Webhook__MaxRetryDelay", "00:00:02"),
        });
        _simulators = new EndpointProcess(Assembly("src/Simulators", "Orchestration.Simulators"), new Dictionary<string, string>
        {
            ["Simulators__Payments__Url"] = Payments.ToString(),
            ["Simulators__Payments__Webhook__Url"] = $"{host}webhooks/payments",
            ["Simulators__ESignature__Url"] = ESignature.ToString(),
            ["Simulators__ESignature__Webhook__Url"] = $"{host}webhooks/esign",
            ["Simulators__ESignature__AutoSignAfter"] = "00:00:01",
            ["Simulators__Screening__Url"] = Screening.ToString(),
            ["Simulators__Screening__Webhook__Url"] = $"{host}webhooks/screening",
            ["Simulators__Screening__DecisionDelay"] = "00:00:01",
            ["Simulators__Mail__Url"] = Mail.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        }.Concat(webhookRetries.Select(s => KeyValuePair.Create(s.Item1, s.Item2)))
            .Concat(secrets.Select(s => KeyValuePair.Create(s.Simulator, s.Value))).ToDictionary())
        {
            ReadyUrl = new Uri(Mail, "_sim/mail/messages"),
        };

        Host = new EndpointProcess(Assembly("src/Endpoints/Standalone", "Orchestration.Endpoints.Standalone"), new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = $"Data Source={_database}",
            ["Demo__Password"] = Password,
            ["Simulators__Payments__Enabled"] = "false",
            ["Simulators__ESignature__Enabled"] = "false",
            ["Simulators__Screening__Enabled"] = "false",
            ["Simulators__Mail__Enabled"] = "false",
            ["Leasing__Screening__BaseUrl"] = Screening.ToString().TrimEnd('/'),
            ["Leasing__ESignature__BaseUrl"] = ESignature.ToString().TrimEnd('/'),
            ["Billing__Payments__BaseUrl"] = Payments.ToString().TrimEnd('/'),
            ["Notifications__Provider"] = "SendGrid",
            ["Notifications__SendGrid__BaseUrl"] = Mail.ToString().TrimEnd('/'),
            ["Notifications__SendGrid__ApiKey"] = "SG.simulator",
            // The simulated SendGrid has the Email Activity API, so an email whose send a crash cut short is looked up, not repeated.
            ["Notifications__SendGrid__ActivityLookup"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            // Each email sent or skipped and each envelope sent, for a failure to name what happened to one missing.
            ["Logging__LogLevel__Orchestration.Endpoints.Notifications"] = "Information",
            ["Logging__LogLevel__Orchestration.Endpoints.Leasing"] = "Information",
        }.Concat(secrets.Select(s => KeyValuePair.Create(s.Host, s.Value))).Concat(hostSettings ?? new Dictionary<string, string>()).ToDictionary(), Port);
    }

    public int Port { get; }

    /// <summary>
    /// How many of these leases are in Billing's own list, read from the host's database file: Billing learns of a lease
    /// from its activation on a queue of its own, and no page shows the list.
    /// </summary>
    public async Task<int> LeasesBillingKnowsAsync(IEnumerable<Guid> leaseIds)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Pooling=False");
        await connection.OpenAsync();
        var known = 0;
        foreach (var leaseId in leaseIds)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM \"standalone_billing_leases\" WHERE lease_id = $leaseId";
            command.Parameters.AddWithValue("$leaseId", leaseId);
            known += Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return known;
    }

    /// <summary>The payments webhook secret the simulated gateway signs with and the host checks, made for this run.</summary>
    public string PaymentsWebhookSecret { get; } = Made("whsec_");

    /// <summary>The payment gateway's API key, made for this run.</summary>
    public string PaymentsSecretKey { get; } = Made("sk_test_");

    /// <summary>The administrator the host creates, with the same password as the property manager.</summary>
    public Task<StaffClient> SignInAsAdminAsync() => StaffClient.SignInAsync(Address, "admin@example.test", Password);

    static string Made(string prefix) => prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    public Uri Payments { get; }
    public Uri ESignature { get; }
    public Uri Screening { get; }
    public Uri Mail { get; }
    public EndpointProcess Host { get; }

    public Uri Address => Loopback(Port);

    /// <summary>Starts the simulators, waits until they answer, then starts the host.</summary>
    public async Task StartAsync()
    {
        await _simulators.StartAsync();
        await Host.StartAsync();
    }

    public Task<StaffClient> SignInAsync() => StaffClient.SignInAsync(Address, ManagerEmail, Password);

    /// <summary>Every email the mail provider accepted for <paramref name="recipient"/>, repeats included, by deduplication key.</summary>
    public async Task<List<string>> EmailKeysAsync(string recipient)
    {
        var messages = await _http.GetFromJsonAsync<JsonElement>(new Uri(Mail, $"_sim/mail/messages?to={Uri.EscapeDataString(recipient)}"));
        return messages.EnumerateArray()
            .Select(m => m.GetProperty("request").TryGetProperty("custom_args", out var args) && args.TryGetProperty("dedup_key", out var key)
                ? key.GetString() ?? "" : "")
            .ToList();
    }

    /// <summary>Every link to the payment gateway's hosted page in the emails <paramref name="recipient"/> got, oldest first.</summary>
    public async Task<List<Uri>> PaymentPageLinksAsync(string recipient)
    {
        var messages = await _http.GetStringAsync(new Uri(Mail, $"_sim/mail/messages?to={Uri.EscapeDataString(recipient)}"));
        var page = System.Text.RegularExpressions.Regex.Escape(new Uri(Payments, "pay/").ToString());
        return System.Text.RegularExpressions.Regex.Matches(messages, page + "[A-Za-z0-9_%-]+")
            .Select(match => new Uri(match.Value)).Distinct().ToList();
    }

    /// <summary>Posts <paramref name="body"/> to the host's payments webhook, signed as Stripe signs it with this run's secret.</summary>
    public async Task<HttpResponseMessage> PaymentWebhookAsync(string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new System.Security.Cryptography.HMACSHA256(System.Text.Encoding.UTF8.GetBytes(PaymentsWebhookSecret));
        var signature = Convert.ToHexStringLower(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, "webhooks/payments"))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={timestamp},v1={signature}");
        return await _http.SendAsync(request);
    }

    /// <summary>The lease ids of every payment intent the gateway charged successfully, one entry per intent.</summary>
    public async Task<List<string>> SucceededPaymentLeaseIdsAsync()
    {
        var events = await _http.GetFromJsonAsync<JsonElement>(new Uri(Payments, "_sim/webhooks/events?type=payment_intent.succeeded"));
        return events.EnumerateArray()
            .Select(e => e.GetProperty("payload").GetProperty("data").GetProperty("object").GetProperty("metadata").GetProperty("lease_id").GetString()!)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _simulators.DisposeAsync();
        _http.Dispose();
        // The database, the journal of its in-memory queues beside it, and their write-ahead logs.
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_database)!, Path.GetFileNameWithoutExtension(_database) + ".*"))
            File.Delete(file);
    }

    static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

    static string Assembly(string project, string name) =>
        Path.Combine(Repository.Root, project, "bin", Repository.Configuration, "net10.0", $"{name}.dll");
}
