namespace Orchestration.Notifications.Tests;

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
