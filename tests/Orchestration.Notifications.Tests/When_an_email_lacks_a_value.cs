namespace Orchestration.Notifications.Tests;

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
