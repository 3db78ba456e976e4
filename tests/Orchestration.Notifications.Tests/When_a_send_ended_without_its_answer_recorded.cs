using Orchestration.Simulators.Hosting;

namespace Orchestration.Notifications.Tests;

/// <summary>
/// A process died between claiming an email and recording SendGrid's answer: the command comes back (its message is
/// redelivered), and nobody knows whether SendGrid has the email. It is looked up in SendGrid's activity feed (here the
/// simulator's) by its dedup_key, and sent only if SendGrid does not have it, so a crash repeats no email. While the
/// claim is young enough to be an attempt still sending, the command is tried again later instead.
/// </summary>
public sealed class When_a_send_ended_without_its_answer_recorded : IAsyncLifetime
{
    static readonly TimeSpan InDoubtAfter = TimeSpan.FromSeconds(6);

    RunningSimulators _simulators = null!;
    HttpClient _controls = null!;
    NotificationsHost _host = null!;

    public async Task InitializeAsync()
    {
        _simulators = await MailSimulator.StartAsync();
        _controls = new HttpClient { BaseAddress = _simulators.Mail };
        _host = await NotificationsHost.StartAsync(Settings());
    }

    Dictionary<string, string?> Settings() => new()
    {
        ["Notifications:Provider"] = "SendGrid",
        ["Notifications:SendGrid:BaseUrl"] = _simulators.Mail!.ToString().TrimEnd('/'),
        ["Notifications:SendGrid:ApiKey"] = "SG.simulator",
        ["Notifications:SendGrid:ActivityLookup"] = "true",
        ["Notifications:SendGrid:Resilience:AttemptTimeout"] = "00:00:03",
        ["Notifications:SendGrid:Resilience:TotalTimeout"] = "00:00:05",
        ["Notifications:InDoubtAfter"] = InDoubtAfter.ToString(),
        ["Recoverability:ImmediateRetries"] = "0",
        ["Recoverability:DelayedRetries"] = "",
    };

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _controls.Dispose();
        await _simulators.DisposeAsync();
    }

    static OutgoingEmail Render(SendTenantEmail command) =>
        TenantEmailRenderer.Render(command, new MailAddress("no-reply@orchestration.localhost", "Property Management"));

    async Task<int> AcceptedAsync(string deduplicationKey) =>
        (await _controls.GetFromJsonAsync<JsonElement>("/_sim/mail/messages")).EnumerateArray()
            .Count(m => m.GetProperty("request").GetProperty("custom_args").GetProperty(SendGridEmailSender.DeduplicationKeyArg).GetString() == deduplicationKey);

    [Fact]
    public async Task Should_not_send_it_again_when_sendgrid_has_it()
    {
        var command = TestEmails.Command(TenantEmail.Welcome);
        var email = Render(command);
        var messageId = Guid.NewGuid();
        await using (var senders = new Senders(Settings()))
            await senders.Sender.SendAsync(email, CancellationToken.None);
        await _host.LeaveUnfinishedClaimAsync(email, messageId, "a-process-that-died", InDoubtAfter + TimeSpan.FromSeconds(1));

        (await _host.SendAsync(command, messageId)).ShouldBeNull();

        (await AcceptedAsync(command.DeduplicationKey)).ShouldBe(1);
        (await _host.RecordedAcceptedAsync(command.DeduplicationKey)).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_send_it_once_when_sendgrid_does_not_have_it()
    {
        var command = TestEmails.Command(TenantEmail.SigningLink);
        var messageId = Guid.NewGuid();
        await _host.LeaveUnfinishedClaimAsync(Render(command), messageId, "a-process-that-died", InDoubtAfter + TimeSpan.FromSeconds(1));

        (await _host.SendAsync(command, messageId)).ShouldBeNull();
        (await _host.SendAsync(command)).ShouldBeNull();

        (await AcceptedAsync(command.DeduplicationKey)).ShouldBe(1);
        (await _host.RecordedAcceptedAsync(command.DeduplicationKey)).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_try_again_later_while_another_process_may_still_be_sending_it()
    {
        var command = TestEmails.Command(TenantEmail.LeaseCountersigned);
        var messageId = Guid.NewGuid();
        await _host.LeaveUnfinishedClaimAsync(Render(command), messageId, "a-process-still-sending", TimeSpan.Zero);

        (await _host.SendAsync(command, messageId)).ShouldBeOfType<EmailSendInDoubtException>();
        (await AcceptedAsync(command.DeduplicationKey)).ShouldBe(0);

        // The same message again once the claim is old enough, as the delayed retry brings it back (the endpoint reports
        // this id's earlier outcome at once).
        await Task.Delay(InDoubtAfter);
        await _host.SendAsync(command, messageId);
        await Eventually.HoldsAsync(() => _host.RecordedAcceptedAsync(command.DeduplicationKey), TimeSpan.FromSeconds(10), "the retry sent the email");
        (await AcceptedAsync(command.DeduplicationKey)).ShouldBe(1);
    }
}
