using Orchestration.Simulators.Hosting;

namespace Orchestration.Notifications.Tests;

/// <summary>The SendGrid client against the SendGrid-compatible simulator, which validates requests as SendGrid documents.</summary>
public sealed class When_sendgrid_is_the_simulator : IAsyncLifetime
{
    static readonly OutgoingEmail Email = TenantEmailRenderer.Render(
        TestEmails.Command(TenantEmail.Welcome), new MailAddress("no-reply@leases.example.com", "Property Management"));

    RunningSimulators _simulators = null!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = false;
        options.ESignature.Enabled = false;
        options.Screening.Enabled = false;
        options.Mail.Url = "http://127.0.0.1:0";
        _simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _simulators.DisposeAsync();

    Senders SendGrid() => new(new Dictionary<string, string?>
    {
        ["Notifications:Provider"] = "SendGrid",
        ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString().TrimEnd('/'),
        ["Notifications:SendGrid:ApiKey"] = "SG.simulator",
        ["Notifications:SendGrid:BaseDelay"] = "00:00:00.050",
        ["Notifications:SendGrid:MaxDelay"] = "00:00:05",
    });

    [Fact]
    public async Task Should_be_accepted_and_retried_through_a_429()
    {
        using var http = new HttpClient { BaseAddress = _simulators.Mail };
        (await http.PostAsync("/_sim/mail/throttle?count=1&retryAfterSeconds=1", null)).EnsureSuccessStatusCode();
        await using var senders = SendGrid();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        providerId.ShouldNotBeNullOrWhiteSpace();
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(950), "the 429's Retry-After was waited out");
        var stored = await http.GetFromJsonAsync<JsonElement>("/_sim/mail/messages");
        var messages = stored.ValueKind == JsonValueKind.Array ? stored : stored.GetProperty("messages");
        messages.GetArrayLength().ShouldBe(1);
        messages[0].GetRawText().ShouldContain(Email.DeduplicationKey);
    }
}
