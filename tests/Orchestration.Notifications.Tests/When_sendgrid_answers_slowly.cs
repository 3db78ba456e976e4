using System.Diagnostics;

namespace Orchestration.Notifications.Tests;

/// <summary>
/// SendGrid takes seconds to accept an email, and takes no idempotency key: a copy of the command handled meanwhile
/// must neither wait for the send nor send the email a second time. SQLite (one write lock for the whole database) and
/// PostgreSQL, against an HTTP server that answers as SendGrid does.
/// </summary>
public abstract class When_sendgrid_answers_slowly(Func<IDictionary<string, string?>, Task<NotificationsHost>> start) : IAsyncLifetime
{
    FakeSendGrid _sendGrid = null!;
    NotificationsHost _host = null!;

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeSendGrid.StartAsync();
        _host = await start(new Dictionary<string, string?>
        {
            ["Notifications:Provider"] = "SendGrid",
            ["Notifications:SendGrid:BaseUrl"] = _sendGrid.BaseUrl,
            ["Notifications:SendGrid:ApiKey"] = "SG.test",
            ["Notifications:SendGrid:Resilience:MaxAttempts"] = "1",
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    [Fact]
    public async Task Should_finish_a_copy_under_another_message_id_at_once_and_send_once()
    {
        var command = TestEmails.Command(TenantEmail.Welcome);
        _sendGrid.ThenSlowly(TimeSpan.FromSeconds(5));
        var first = _host.SendAsync(command);
        await Eventually.HoldsAsync(() => Task.FromResult(!_sendGrid.Calls.IsEmpty), TimeSpan.FromSeconds(10), "the first copy is sending");

        var clock = Stopwatch.StartNew();
        (await _host.SendAsync(command)).ShouldBeNull();

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3), "the copy waits for no lock the send holds");
        first.IsCompleted.ShouldBeFalse("SendGrid is still answering");
        (await first).ShouldBeNull();
        _sendGrid.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_send_again_when_the_same_message_comes_back_after_a_failed_send()
    {
        var command = TestEmails.Command(TenantEmail.SigningLink);
        var messageId = Guid.NewGuid();
        _sendGrid.Then(503);

        (await _host.SendAsync(command, messageId)).ShouldNotBeNull();
        // The same message again, as the broker redelivers it (the endpoint reports this id's earlier outcome at once).
        await _host.SendAsync(command, messageId);
        await Eventually.HoldsAsync(() => Task.FromResult(_sendGrid.Calls.Count == 2), TimeSpan.FromSeconds(10), "the redelivery sends the email");
        (await _host.SendAsync(command)).ShouldBeNull();

        // The failed call and the redelivery's send; the copy under another message id sends nothing.
        await Task.Delay(200);
        _sendGrid.Calls.Count.ShouldBe(2);
        _sendGrid.Calls.Last().Body.GetRawText().ShouldContain(command.DeduplicationKey);
    }
}
