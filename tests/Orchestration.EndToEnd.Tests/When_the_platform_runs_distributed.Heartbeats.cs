using Orchestration.Messages;

namespace Orchestration.EndToEnd.Tests;

/// <summary>What operators hear when an endpoint process dies and comes back.</summary>
public sealed partial class When_the_platform_runs_distributed
{
    [Fact]
    public async Task Should_email_the_operators_when_a_killed_endpoint_stops_beating_and_again_when_it_is_back()
    {
        await platform.ActiveLeaseAsync();
        var mailDev = platform.Run.MailDev!;
        var port = platform.Run.Ports["devices"];

        // Operations knows the instance before it dies: its heartbeats arrive every 2 s in this run.
        await Eventually.HoldsAsync(async () => await platform.Run.CountAsync(
            "SELECT COUNT(*) FROM operations.endpoint_instances WHERE endpoint = 'devices' AND lost_at IS NULL") == 1,
            TimeSpan.FromSeconds(20), "Operations records the devices instance");

        var start = await EndpointRestarts.KillAsync(port);
        var lost = await WaitForAlertAsync(mailDev, "Heartbeat lost: devices/", TimeSpan.FromMinutes(1));
        (lost.GetProperty("text").GetString() ?? "").ShouldContain("sent no heartbeat");

        platform.Restarts.Start(start);
        await WaitForAlertAsync(mailDev, "Heartbeat restored: devices/", TimeSpan.FromMinutes(1));
        await Eventually.HoldsAsync(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            return (await http.GetAsync(new Uri(platform.Run.Url("devices"), "/health/ready"))).StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "the restarted devices endpoint is ready");
        await Eventually.HoldsAsync(async () =>
        {
            using var management = TestServers.RabbitManagementClient();
            var queue = await management.GetFromJsonAsync<JsonElement>(
                $"/api/queues/{Uri.EscapeDataString(platform.Run.VirtualHost)}/{CommandRoutes.DeviceCommands}");
            return queue.TryGetProperty("consumers", out var consumers) && consumers.GetInt32() > 0;
        }, TimeSpan.FromSeconds(30), "the restarted devices endpoint consumes its commands again");

        // Staff see the instance alive again, with its checks, through the Gateway.
        var password = (await File.ReadAllTextAsync(platform.Run.AdminPasswordFile)).Trim();
        using var staff = await StaffClient.SignInAsync(platform.Run.Url("gateway"), platform.Run.AdminEmail, password);
        JsonElement? devices = null;
        await Eventually.HoldsAsync(async () =>
        {
            var endpoints = await staff.GetAsync("/api/operations/endpoints");
            devices = endpoints?.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(e => e!.Value.GetProperty("endpoint").GetString() == "devices");
            return devices is { } found && found.GetProperty("alive").GetInt32() == 1 && found.GetProperty("lost").GetInt32() == 0;
        }, TimeSpan.FromSeconds(30), "GET /api/operations/endpoints shows the devices instance alive");
        var instance = devices!.Value.GetProperty("instances")[0];
        instance.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .ShouldContain("storage", $"the checks of {instance}");

        // One incident, one alert each way.
        var alerts = (await mailDev.EmailsToAsync(platform.OperatorEmail))
            .Select(e => e.GetProperty("subject").GetString() ?? "").Where(s => s.Contains("devices/", StringComparison.Ordinal)).ToList();
        alerts.Count(s => s.Contains("Heartbeat lost", StringComparison.Ordinal)).ShouldBe(1, string.Join(" | ", alerts));
        alerts.Count(s => s.Contains("Heartbeat restored", StringComparison.Ordinal)).ShouldBe(1, string.Join(" | ", alerts));
    }

    [Fact]
    public async Task Should_keep_monitoring_samples_of_what_each_endpoint_handled_per_message_type()
    {
        await platform.ActiveLeaseAsync();

        // The lease passed through Leasing's saga and Notifications' emails; their heartbeats carry what they handled.
        foreach (var (endpoint, messageType) in new[] { ("leasing", "SubmitLeaseApplication"), ("notifications", "SendTenantEmail") })
        {
            await Eventually.HoldsAsync(async () => await platform.Run.CountAsync($"""
                SELECT COALESCE(SUM(handled), 0) FROM operations.monitoring_samples
                WHERE endpoint = '{endpoint}' AND message_type = '{messageType}' AND critical_ms_max >= processing_ms_total / GREATEST(handled, 1)
                """) >= 1, TimeSpan.FromSeconds(20), $"Operations has samples of {endpoint} handling {messageType}");
        }
    }

    async Task<JsonElement> WaitForAlertAsync(MailDev mailDev, string subject, TimeSpan timeout)
    {
        JsonElement? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            found = (await mailDev.EmailsToAsync(platform.OperatorEmail))
                .Cast<JsonElement?>().FirstOrDefault(e => (e!.Value.GetProperty("subject").GetString() ?? "").Contains(subject, StringComparison.Ordinal));
            return found is not null;
        }, timeout, $"an email '{subject}…' to {platform.OperatorEmail}");
        return found!.Value;
    }
}
