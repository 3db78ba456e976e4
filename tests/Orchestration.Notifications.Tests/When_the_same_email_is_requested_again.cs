namespace Orchestration.Notifications.Tests;

/// <summary>The consumer end to end: in-memory transport, the platform's inbox/outbox, the Pickup provider; SQLite and PostgreSQL.</summary>
public abstract class When_the_same_email_is_requested_again(Func<Task<NotificationsHost>> start) : IAsyncLifetime
{
    NotificationsHost _host = null!;

    public async Task InitializeAsync() => _host = await start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_store_one_email_for_copies_with_different_message_ids()
    {
        var command = TestEmails.Command(TenantEmail.SigningLink);
        var firstId = Guid.NewGuid();

        (await _host.SendAsync(command, firstId)).ShouldBeNull();
        (await _host.SendAsync(command, Guid.NewGuid())).ShouldBeNull();
        (await _host.SendAsync(command, firstId)).ShouldBeNull();

        var email = (await _host.EmailsAsync(command.LeaseId)).ShouldHaveSingleItem();
        email.Email.ShouldBe(nameof(TenantEmail.SigningLink));
        email.DeduplicationKey.ShouldBe(command.DeduplicationKey);
        email.To.ShouldBe("ada@example.com");
        email.ToName.ShouldBe("Ada Lovelace");
        email.Subject.ShouldBe("Your lease is ready to sign");
        email.Text.ShouldContain(TestEmails.AllValues["SigningUrl"]);
        email.Html.ShouldContain("token=a1&amp;lang=en");
        email.MessageId.ShouldBe(TenantEmailRenderer.MessageIdFor(command.DeduplicationKey, new MailAddress("no-reply@orchestration.localhost")));
    }

    [Fact]
    public async Task Should_store_one_email_for_copies_arriving_together()
    {
        var command = TestEmails.Command(TenantEmail.Welcome);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _host.SendAsync(command)));

        results.ShouldAllBe(failure => failure == null);
        (await _host.EmailsAsync(command.LeaseId)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_send_each_business_fact_of_a_lease_once()
    {
        var leaseId = Guid.NewGuid();
        var signing = TestEmails.Command(TenantEmail.SigningLink, leaseId);
        var reminder = TestEmails.Command(TenantEmail.SignatureReminder, leaseId);

        foreach (var command in new[] { signing, reminder, reminder with { DeduplicationKey = reminder.DeduplicationKey + "-2" }, signing })
            (await _host.SendAsync(command)).ShouldBeNull();

        (await _host.EmailsAsync(leaseId)).Select(e => e.DeduplicationKey).ShouldBe(
            [signing.DeduplicationKey, reminder.DeduplicationKey, reminder.DeduplicationKey + "-2"]);
        (await _host.EmailsAsync(Guid.NewGuid())).ShouldBeEmpty();
    }
}
