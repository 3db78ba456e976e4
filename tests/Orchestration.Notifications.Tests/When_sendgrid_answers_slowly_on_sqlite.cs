namespace Orchestration.Notifications.Tests;

public sealed class When_sendgrid_answers_slowly_on_sqlite() : When_sendgrid_answers_slowly(settings => NotificationsHost.StartAsync(settings));
