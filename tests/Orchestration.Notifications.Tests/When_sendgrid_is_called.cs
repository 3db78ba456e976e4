namespace Orchestration.Notifications.Tests;

/// <summary>SendGrid's official client, as the endpoint wires it, against a real HTTP server standing in for SendGrid's Mail Send endpoint.</summary>
public sealed class When_sendgrid_is_called : IAsyncLifetime
{
    static readonly OutgoingEmail Email = TenantEmailRenderer.Render(
        TestEmails.Command(TenantEmail.MoveInFundsReceived, recipientName: "Zoë O'Brien"), new MailAddress("no-reply@leases.example.com", "Property Management"));

    static readonly UnrecoverableExceptions Unrecoverable = UnrecoverableExceptions.DeclaredBy(
        services => services.AddNotificationsServices(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));

    FakeSendGrid _sendGrid = null!;

    public async Task InitializeAsync() => _sendGrid = await FakeSendGrid.StartAsync();

    public async Task DisposeAsync() => await _sendGrid.DisposeAsync();

    Senders SendGrid(int maxAttempts = 4) => new(new Dictionary<string, string?>
    {
        ["Notifications:Provider"] = "SendGrid",
        ["Notifications:SendGrid:BaseUrl"] = _sendGrid.BaseUrl,
        ["Notifications:SendGrid:ApiKey"] = "SG.test-key",
        ["Notifications:SendGrid:Resilience:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:SendGrid:Resilience:BaseDelay"] = "00:00:00.050",
        ["Notifications:SendGrid:Resilience:MaxDelay"] = "00:00:05",
    });

    [Fact]
    public async Task Should_post_the_documented_mail_send_request()
    {
        await using var senders = SendGrid();
        senders.Sender.ShouldBeOfType<SendGridEmailSender>();

        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        providerId.ShouldBe("sg-1");
        var call = _sendGrid.Calls.ShouldHaveSingleItem();
        call.Authorization.ShouldBe("Bearer SG.test-key");
        var body = call.Body;
        var to = body.GetProperty("personalizations")[0].GetProperty("to")[0];
        to.GetProperty("email").GetString().ShouldBe("ada@example.com");
        to.GetProperty("name").GetString().ShouldBe("Zoë O'Brien");
        body.GetProperty("from").GetProperty("email").GetString().ShouldBe("no-reply@leases.example.com");
        body.GetProperty("from").GetProperty("name").GetString().ShouldBe("Property Management");
        body.GetProperty("subject").GetString().ShouldBe("We received your move-in payment");
        var content = body.GetProperty("content");
        content[0].GetProperty("type").GetString().ShouldBe("text/plain");
        content[0].GetProperty("value").GetString().ShouldBe(Email.Text);
        content[1].GetProperty("type").GetString().ShouldBe("text/html");
        content[1].GetProperty("value").GetString().ShouldBe(Email.Html);
        body.GetProperty("headers").GetProperty("Message-ID").GetString().ShouldBe(Email.MessageId);
        body.GetProperty("custom_args").GetProperty("dedup_key").GetString().ShouldBe(Email.DeduplicationKey);
        body.GetProperty("custom_args").GetProperty("lease_id").GetString().ShouldBe(Email.LeaseId.ToString());
        body.GetProperty("categories")[0].GetString().ShouldBe(nameof(TenantEmail.MoveInFundsReceived));
    }

    [Fact]
    public async Task Should_quote_a_recipient_name_that_sendgrid_would_read_as_two_addresses()
    {
        var email = TenantEmailRenderer.Render(TestEmails.Command(TenantEmail.Welcome, recipientName: "O'Brien, Zoë; PhD"),
            new MailAddress("no-reply@leases.example.com", "Property Management"));
        await using var senders = SendGrid();

        await senders.Sender.SendAsync(email, CancellationToken.None);

        var to = _sendGrid.Calls.ShouldHaveSingleItem().Body.GetProperty("personalizations")[0].GetProperty("to")[0];
        to.GetProperty("name").GetString().ShouldBe("\"O'Brien, Zoë; PhD\"");
    }

    [Fact]
    public async Task Should_wait_as_long_as_retry_after_says_and_send_again()
    {
        _sendGrid.Then(429, retryAfter: "1");
        await using var senders = SendGrid();

        var providerId = await senders.Sender.SendAsync(Email, CancellationToken.None);

        providerId.ShouldBe("sg-2");
        var calls = _sendGrid.Calls.ToArray();
        calls.Length.ShouldBe(2);
        (calls[1].At - calls[0].At).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(950));
        calls[1].Body.GetProperty("custom_args").GetProperty("dedup_key").GetString().ShouldBe(Email.DeduplicationKey);
    }

    [Fact]
    public async Task Should_back_off_and_retry_server_errors()
    {
        _sendGrid.Then(503).Then(500);
        await using var senders = SendGrid();

        (await senders.Sender.SendAsync(Email, CancellationToken.None)).ShouldBe("sg-3");

        _sendGrid.Calls.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Should_give_up_after_the_configured_attempts_and_leave_the_rest_to_the_retry_policy()
    {
        _sendGrid.Then(503).Then(503).Then(503);
        await using var senders = SendGrid(maxAttempts: 3);

        var failure = await Should.ThrowAsync<EmailProviderUnavailableException>(senders.Sender.SendAsync(Email, CancellationToken.None));

        _sendGrid.Calls.Count.ShouldBe(3);
        failure.Message.ShouldContain("503");
        Recoverability.IsUnrecoverable(failure, Unrecoverable).ShouldBeFalse();
    }

    [Fact]
    public async Task Should_not_hold_the_message_longer_than_allowed_when_told_to_come_back_later()
    {
        _sendGrid.Then(429, retryAfter: "120");
        await using var senders = SendGrid();

        await Should.ThrowAsync<EmailProviderUnavailableException>(senders.Sender.SendAsync(Email, CancellationToken.None));

        _sendGrid.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_not_start_with_a_total_timeout_no_longer_than_one_attempt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Provider"] = "SendGrid",
            ["Notifications:SendGrid:BaseUrl"] = _sendGrid.BaseUrl,
            ["Notifications:SendGrid:ApiKey"] = "SG.test-key",
            ["Notifications:SendGrid:Resilience:AttemptTimeout"] = "00:00:10",
            ["Notifications:SendGrid:Resilience:TotalTimeout"] = "00:00:05",
        };

        var failure = await Should.ThrowAsync<Exception>(NotificationsHost.StartAsync(settings));

        failure.Message.ShouldContain("Notifications:SendGrid:Resilience:TotalTimeout must be longer than AttemptTimeout.");
    }

    [Fact]
    public async Task Should_fail_for_good_with_sendgrids_messages_on_a_client_error()
    {
        _sendGrid.Then(400, json: JsonSerializer.Serialize(new
        {
            errors = new[]
            {
                new { message = "The from address does not match a verified Sender Identity.", field = "from", help = (string?)null },
                new { message = "Invalid type. Expected: string.", field = "subject", help = (string?)null },
            },
        }));
        await using var senders = SendGrid();

        var failure = await Should.ThrowAsync<EmailRejectedException>(senders.Sender.SendAsync(Email, CancellationToken.None));

        _sendGrid.Calls.Count.ShouldBe(1);
        failure.Message.ShouldContain("400");
        failure.Message.ShouldContain("from: The from address does not match a verified Sender Identity.");
        failure.Message.ShouldContain("subject: Invalid type. Expected: string.");
        failure.Message.ShouldNotContain("SG.test-key");
        Recoverability.IsUnrecoverable(failure, Unrecoverable).ShouldBeTrue();
    }
}
