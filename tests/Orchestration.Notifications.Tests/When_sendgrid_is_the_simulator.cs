using Orchestration.Simulators.Hosting;

namespace Orchestration.Notifications.Tests;

/// <summary>SendGrid's official client against the SendGrid-compatible simulator, which validates requests as SendGrid documents.</summary>
public sealed class When_sendgrid_is_the_simulator : IAsyncLifetime
{
    static readonly OutgoingEmail Email = TenantEmailRenderer.Render(
        TestEmails.Command(TenantEmail.Welcome), new MailAddress("no-reply@leases.example.com", "Property Management"));

    RunningSimulators _simulators = null!;
    HttpClient _controls = null!;

    public async Task InitializeAsync()
    {
        _simulators = await MailSimulator.StartAsync();
        _controls = new HttpClient { BaseAddress = _simulators.Mail };
    }

    public async Task DisposeAsync()
    {
        _controls.Dispose();
        await _simulators.DisposeAsync();
    }

    Senders SendGrid() => new(new Dictionary<string, string?>
    {
        ["Notifications:Provider"] = "SendGrid",
        ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString().TrimEnd('/'),
        ["Notifications:SendGrid:ApiKey"] = "SG.simulator",
        ["Notifications:SendGrid:Resilience:BaseDelay"] = "00:00:00.050",
        ["Notifications:SendGrid:Resilience:MaxDelay"] = "00:00:05",
    });

    Senders SendGridWithActivityLookup() => new(new Dictionary<string, string?>
    {
        ["Notifications:Provider"] = "SendGrid",
        ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString().TrimEnd('/'),
        ["Notifications:SendGrid:ApiKey"] = "SG.simulator",
        ["Notifications:SendGrid:ActivityLookup"] = "true",
    });

    async Task<JsonElement> AcceptedAsync() => await _controls.GetFromJsonAsync<JsonElement>("/_sim/mail/messages");

    [Fact]
    public async Task Should_find_in_the_activity_feed_what_it_sent_by_its_deduplication_key_and_nothing_else()
    {
        await using var senders = SendGridWithActivityLookup();
        var other = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.SigningLink), new MailAddress("no-reply@leases.example.com"));

        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        (await senders.Sender.FindAcceptedAsync(Email, CancellationToken.None)).ShouldNotBeNull().ProviderMessageId.ShouldBe(providerId);
        (await senders.Sender.FindAcceptedAsync(other, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_be_accepted_with_the_deduplication_key_and_message_id()
    {
        await using var senders = SendGrid();

        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        var accepted = (await AcceptedAsync()).EnumerateArray().ShouldHaveSingleItem();
        providerId.ShouldBe(accepted.GetProperty("messageId").GetString());
        accepted.GetProperty("subject").GetString().ShouldBe(Email.Subject);
        accepted.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["ada@example.com"]);
        var request = accepted.GetProperty("request");
        request.GetProperty("custom_args").GetProperty(SendGridEmailSender.DeduplicationKeyArg).GetString().ShouldBe(Email.DeduplicationKey);
        request.GetProperty("headers").GetProperty("Message-ID").GetString().ShouldBe(Email.MessageId);
        request.GetProperty("content")[0].GetProperty("type").GetString().ShouldBe("text/plain");
        accepted.GetProperty("dropReason").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Should_not_be_dropped_for_a_recipient_name_with_a_comma()
    {
        var email = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.Welcome, recipientName: "O'Brien, Zoë"),
            new MailAddress("no-reply@leases.example.com", "Property Management"));
        await using var senders = SendGrid();

        await senders.Sender.SendAsync(email, CancellationToken.None);

        var accepted = (await AcceptedAsync()).EnumerateArray().ShouldHaveSingleItem();
        accepted.GetProperty("dropReason").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Should_be_accepted_and_retried_through_a_429()
    {
        (await _controls.PostAsync("/_sim/mail/throttle?count=1&retryAfterSeconds=1", null)).EnsureSuccessStatusCode();
        await using var senders = SendGrid();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        providerId.ShouldNotBeNullOrWhiteSpace();
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(950), "the 429's Retry-After was waited out");
        var messages = await AcceptedAsync();
        messages.GetArrayLength().ShouldBe(1);
        messages[0].GetRawText().ShouldContain(Email.DeduplicationKey);
    }

    [Fact]
    public async Task Should_send_once_through_server_errors()
    {
        (await _controls.PostAsync("/_sim/mail/fail?count=2&status=503", null)).EnsureSuccessStatusCode();
        await using var senders = SendGrid();

        (await senders.Sender.SendAsync(Email, CancellationToken.None)).ShouldNotBeNullOrWhiteSpace();

        (await AcceptedAsync()).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Should_leave_a_wait_longer_than_allowed_to_the_retry_policy()
    {
        (await _controls.PostAsync("/_sim/mail/throttle?count=1&retryAfterSeconds=120", null)).EnsureSuccessStatusCode();
        await using var senders = SendGrid();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = await Should.ThrowAsync<EmailProviderUnavailableException>(senders.Sender.SendAsync(Email, CancellationToken.None));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        failure.Message.ShouldContain("429");
        (await AcceptedAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Should_fail_for_good_with_the_simulators_message_when_the_key_is_wrong()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Provider"] = "SendGrid",
            ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString(),
            ["Notifications:SendGrid:ApiKey"] = "SG.revoked",
        };
        await using var senders = new Senders(settings);

        var failure = await Should.ThrowAsync<EmailRejectedException>(senders.Sender.SendAsync(Email, CancellationToken.None));

        failure.Message.ShouldContain("401");
        failure.Message.ShouldNotContain("SG.revoked");
    }
}
