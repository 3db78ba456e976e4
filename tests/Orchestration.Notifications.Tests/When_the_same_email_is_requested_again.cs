using System.Net.Mail;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;
using Orchestration.Notifications.Tests.Infrastructure;

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

public sealed class When_the_same_email_is_requested_again_on_sqlite() : When_the_same_email_is_requested_again(() => NotificationsHost.StartAsync());

public sealed class When_the_same_email_is_requested_again_on_postgres() : When_the_same_email_is_requested_again(() => NotificationsHost.StartOnPostgresAsync());

public sealed class When_an_email_lacks_a_value : IAsyncLifetime
{
    NotificationsHost _host = null!;

    public async Task InitializeAsync() => _host = await NotificationsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_move_it_to_the_error_queue_at_once_and_send_nothing()
    {
        var command = TestEmails.Command(TenantEmail.SignatureReminder, values: TestEmails.Without("SigningUrl"));

        var failure = await _host.SendAsync(command);

        failure.ShouldBeOfType<MissingTemplateValueException>().Missing.ShouldBe(["SigningUrl"]);
        var fault = await _host.ErrorQueue.ArrivalAsync(command.LeaseId);
        fault["MT-Fault-ExceptionType"].ShouldBe(typeof(MissingTemplateValueException).FullName);
        fault["MT-Fault-Message"]!.ShouldContain("SigningUrl");
        fault.ContainsKey("MT-Fault-RetryCount").ShouldBeFalse(); // set only when the message was retried
        (await _host.EmailsAsync(command.LeaseId)).ShouldBeEmpty();
    }
}

public sealed class When_the_email_provider_is_down : IAsyncLifetime
{
    NotificationsHost _host = null!;

    public async Task InitializeAsync() => _host = await NotificationsHost.StartAsync(new Dictionary<string, string?>
    {
        ["Notifications:Provider"] = "Smtp",
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Recoverability:ImmediateRetries"] = "2",
        ["Recoverability:DelayedRetries"] = "",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_retry_the_email_before_it_goes_to_the_error_queue()
    {
        var command = TestEmails.Command(TenantEmail.MoveInFundsReceived);

        (await _host.SendAsync(command)).ShouldNotBeNull();

        var fault = await _host.ErrorQueue.ArrivalAsync(command.LeaseId);
        fault["MT-Fault-ExceptionType"].ShouldBe(typeof(Orchestration.Endpoints.Notifications.Sending.EmailProviderUnavailableException).FullName);
        fault["MT-Fault-RetryCount"].ShouldBe("2");
    }
}
