using System.Globalization;

namespace Orchestration.Notifications.Tests;

/// <summary>SMTP through MailKit against a real server (maildev) with the default settings (no TLS, no sign-in), read back through its REST API.</summary>
public sealed class When_an_email_goes_out_through_smtp(MailDev maildev) : IClassFixture<MailDev>
{
    Dictionary<string, string?> Smtp() => new()
    {
        ["Notifications:Provider"] = "Smtp",
        ["Notifications:From"] = "Property Management <no-reply@leases.example.com>",
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Should_deliver_the_subject_both_bodies_and_the_stable_message_id()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        var values = new Dictionary<string, string>(TestEmails.AllValues) { ["AmountDue"] = "USD 3,700.00 <incl. deposit>" };
        var command = TestEmails.Command(TenantEmail.MoveInPaymentFailed, values: values, recipientName: "Zoë O'Brien", recipientEmail: recipient);
        var email = TenantEmailRenderer.Render(command, new MailAddress("no-reply@leases.example.com", "Property Management"));
        await using var senders = new Senders(Smtp());
        senders.Sender.ShouldBeOfType<SmtpEmailSender>();

        var providerId = await senders.Sender.SendAsync(email, CancellationToken.None);

        var received = (await maildev.WaitForEmailsToAsync(recipient)).ShouldHaveSingleItem();
        received.GetProperty("subject").GetString().ShouldBe("Your move-in payment did not go through");
        received.GetProperty("headers").GetProperty("message-id").GetString().ShouldBe(email.MessageId);
        providerId.ShouldBe(email.MessageId);
        received.GetProperty("from")[0].GetProperty("address").GetString().ShouldBe("no-reply@leases.example.com");
        received.GetProperty("to")[0].GetProperty("name").GetString().ShouldBe("Zoë O'Brien");
        received.GetProperty("text").GetString()!.ShouldContain("Your payment of USD 3,700.00 <incl. deposit> did not go through");
        received.GetProperty("text").GetString()!.ShouldContain("Hello Zoë O'Brien,");
        var html = received.GetProperty("html").GetString()!;
        html.ShouldContain("<strong>USD 3,700.00 &lt;incl. deposit&gt;</strong>");
        html.ShouldContain("<a href=\"https://pay.example.com/move-in/8f2c\">");
    }

    [Fact]
    public async Task Should_send_a_requested_email_once_however_often_the_command_arrives()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        var command = TestEmails.Command(TenantEmail.SignatureReminder, recipientEmail: recipient);
        await using var host = await NotificationsHost.StartAsync(Smtp());

        (await host.SendAsync(command)).ShouldBeNull();
        (await host.SendAsync(command)).ShouldBeNull();
        (await host.SendAsync(command with { DeduplicationKey = command.DeduplicationKey + "-2" })).ShouldBeNull();

        var received = await maildev.WaitForEmailsToAsync(recipient, atLeast: 2);
        received.Count.ShouldBe(2);
        received.Select(e => e.GetProperty("headers").GetProperty("message-id").GetString()).ShouldBe(
            [
                TenantEmailRenderer.MessageIdFor(command.DeduplicationKey, new MailAddress("no-reply@leases.example.com")),
                TenantEmailRenderer.MessageIdFor(command.DeduplicationKey + "-2", new MailAddress("no-reply@leases.example.com")),
            ], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_not_start_without_an_smtp_host()
    {
        var settings = Smtp();
        settings["Notifications:Smtp:Host"] = "";

        var failure = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(NotificationsHost.StartAsync(settings));

        failure.Message.ShouldContain("Notifications:Smtp:Host is required");
    }
}
