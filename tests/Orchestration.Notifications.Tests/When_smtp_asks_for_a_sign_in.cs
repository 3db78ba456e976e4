using System.Globalization;

namespace Orchestration.Notifications.Tests;

/// <summary>SMTP through MailKit against a maildev that takes mail only from a signed-in client.</summary>
public sealed class When_smtp_asks_for_a_sign_in : IAsyncLifetime
{
    const string User = "leasing";
    const string Password = "smtp-test-password";

    MailDev _maildev = null!;

    public async Task InitializeAsync() => _maildev = await MailDev.StartAsync("--incoming-user", User, "--incoming-pass", Password);

    public Task DisposeAsync() => _maildev.DisposeAsync();

    Dictionary<string, string?> Smtp(string? username, string? password) => new()
    {
        ["Notifications:Provider"] = "Smtp",
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = _maildev.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Notifications:Smtp:Username"] = username,
        ["Notifications:Smtp:Password"] = password,
    };

    static OutgoingEmail EmailTo(string recipient) => TenantEmailRenderer.Render(
        TestEmails.Command(TenantEmail.Welcome, recipientEmail: recipient), new MailAddress("no-reply@leases.example.com", "Property Management"));

    [Fact]
    public async Task Should_sign_in_with_the_configured_credentials_and_deliver()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        var email = EmailTo(recipient);
        await using var senders = new Senders(Smtp(User, Password));

        await senders.Sender.SendAsync(email, CancellationToken.None);

        var received = (await _maildev.WaitForEmailsToAsync(recipient)).ShouldHaveSingleItem();
        received.GetProperty("headers").GetProperty("message-id").GetString().ShouldBe(email.MessageId);
    }

    [Fact]
    public async Task Should_fail_for_good_when_the_server_refuses_the_credentials()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        await using var senders = new Senders(Smtp(User, "not-the-password"));

        var failure = await Should.ThrowAsync<EmailRejectedException>(senders.Sender.SendAsync(EmailTo(recipient), CancellationToken.None));

        failure.Message.ShouldContain("Notifications:Smtp:Username");
        failure.Message.ShouldNotContain("not-the-password");
        (await _maildev.EmailsToAsync(recipient)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_fail_for_good_when_sent_without_credentials()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        await using var senders = new Senders(Smtp(null, null));

        await Should.ThrowAsync<EmailRejectedException>(senders.Sender.SendAsync(EmailTo(recipient), CancellationToken.None));

        (await _maildev.EmailsToAsync(recipient)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_fail_for_good_when_starttls_is_required_and_the_server_does_not_offer_it()
    {
        var recipient = $"tenant-{Guid.NewGuid():N}@example.com";
        var settings = Smtp(User, Password);
        settings["Notifications:Smtp:Security"] = "StartTls";
        await using var senders = new Senders(settings);

        var failure = await Should.ThrowAsync<EmailRejectedException>(senders.Sender.SendAsync(EmailTo(recipient), CancellationToken.None));

        failure.Message.ShouldContain("Security StartTls");
        failure.Message.ShouldContain("STARTTLS");
        (await _maildev.EmailsToAsync(recipient)).ShouldBeEmpty();
    }
}
