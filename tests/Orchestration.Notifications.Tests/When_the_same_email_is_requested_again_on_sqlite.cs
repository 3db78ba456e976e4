namespace Orchestration.Notifications.Tests;

public sealed class When_the_same_email_is_requested_again_on_sqlite() : When_the_same_email_is_requested_again(() => NotificationsHost.StartAsync());
