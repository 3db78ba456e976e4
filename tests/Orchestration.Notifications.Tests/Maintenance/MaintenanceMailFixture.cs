using Orchestration.Simulators.Hosting;

namespace Orchestration.Notifications.Tests.Maintenance;

/// <summary>
/// The Notifications endpoint sending through the SendGrid simulator (a real HTTP peer), with two staff addresses to
/// page; shared by the tests of a class, each on work orders of its own.
/// </summary>
public sealed class MaintenanceMailFixture : IAsyncLifetime
{
    public static readonly string[] Staff = ["Maintenance Desk <desk@maintenance.example.com>", "on-call@maintenance.example.com"];

    RunningSimulators _simulators = null!;

    public NotificationsHost Host { get; private set; } = null!;

    public HttpClient Mail { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = false;
        options.ESignature.Enabled = false;
        options.Screening.Enabled = false;
        options.Mail.Url = "http://127.0.0.1:0";
        _simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);
        Mail = new HttpClient { BaseAddress = _simulators.Mail };
        Host = await NotificationsHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:Provider"] = "SendGrid",
            ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString().TrimEnd('/'),
            ["Notifications:SendGrid:ApiKey"] = "SG.simulator",
            ["Notifications:Maintenance:StaffEmails:0"] = Staff[0],
            ["Notifications:Maintenance:StaffEmails:1"] = Staff[1],
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
        });
    }

    /// <summary>What the simulator accepted that carries the deduplication key (in its custom_args), in the order it arrived.</summary>
    public async Task<List<JsonElement>> AcceptedAsync(string deduplicationKeyPrefix) =>
        (await Mail.GetFromJsonAsync<List<JsonElement>>("/_sim/mail/messages"))!
            .Where(m => m.GetProperty("request").GetProperty("custom_args").GetProperty(SendGridEmailSender.DeduplicationKeyArg).GetString()!
                .StartsWith(deduplicationKeyPrefix, StringComparison.Ordinal))
            .ToList();

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Mail.Dispose();
        await _simulators.DisposeAsync();
    }
}
