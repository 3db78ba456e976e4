using MassTransit;
using Orchestration.Endpoints.Notifications.Maintenance;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Platform.Http;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// The Notifications endpoint's wiring, for its own host (<see cref="AddNotificationsEndpoint"/>) and for the standalone
/// host alike: <c>services.AddNotificationsServices(configuration)</c>, <c>x.AddNotifications()</c> inside
/// <c>AddOrchestrationEndpoint</c>, and <c>app.MapNotificationsApi()</c>.
/// </summary>
public static class NotificationsExtensions
{
    /// <summary>The Notifications endpoint in a host of its own: the platform, its consumer and its services.</summary>
    public static IServiceCollection AddNotificationsEndpoint(
        this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrchestrationEndpoint(configuration, "notifications", x => x.AddNotifications())
            .AddNotificationsServices(configuration);

    /// <summary>
    /// The consumers of <see cref="Messages.Notifications.SendTenantEmail"/> and of the maintenance saga's emails, on the
    /// <c>notifications</c> queue.
    /// </summary>
    public static IBusRegistrationConfigurator AddNotifications(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SendTenantEmailConsumer>().Endpoint(e => e.Name = CommandRoutes.Notifications);
        x.AddConsumer<PageMaintenanceStaffConsumer>().Endpoint(e => e.Name = CommandRoutes.Notifications);
        x.AddConsumer<RequestWorkOrderFeedbackConsumer>().Endpoint(e => e.Name = CommandRoutes.Notifications);
        x.AddConsumer<SendOperatorAlertConsumer>().Endpoint(e => e.Name = CommandRoutes.Notifications);
        return x;
    }

    /// <summary>Templates, the provider chosen by <c>Notifications:Provider</c>, the endpoint's tables, and its unrecoverable exceptions.</summary>
    public static IServiceCollection AddNotificationsServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationsOptions>(configuration.GetSection(NotificationsOptions.Section));
        services.AddStore<NotificationsStore>(NotificationsMigrations.Deliveries, NotificationsMigrations.Acceptance, NotificationsMigrations.ClaimOwner);
        services.AddSingleton<EmailsInFlight>();
        services.AddScoped<EmailDelivery>();
        // They hold no transaction, and so no lock, while the provider answers.
        services.CallsThirdParties<SendTenantEmailConsumer>()
            .CallsThirdParties<PageMaintenanceStaffConsumer>()
            .CallsThirdParties<RequestWorkOrderFeedbackConsumer>()
            .CallsThirdParties<SendOperatorAlertConsumer>();

        services.AddScoped<PickupEmailSender>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddTransient<SendGridEmailSender>();
        services.AddHttpClient(SendGridEmailSender.HttpClientName)
            .AddTypedClient((http, sp) =>
                SendGridEmailSender.Client(http, sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.SendGrid))
            .AddProviderResilience(configuration.GetSection($"{NotificationsOptions.Section}:SendGrid:Resilience"));
        services.AddScoped<IEmailSender>(sp => sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.Provider.ToLowerInvariant() switch
        {
            "sendgrid" => sp.GetRequiredService<SendGridEmailSender>(),
            "smtp" => sp.GetRequiredService<SmtpEmailSender>(),
            _ => sp.GetRequiredService<PickupEmailSender>(),
        });

        // Failures of the command itself, or permanent refusals by the provider: no retry can help (NotificationsFailures.cs).
        services.AddUnrecoverable<MissingTemplateValueException>()
            .AddUnrecoverable<EmailRejectedException>()
            .AddUnrecoverable<InvalidRecipientException>();

        return services;
    }

    /// <summary>
    /// <c>GET /api/notifications/emails?leaseId=</c>: what the Pickup provider "sent", newest 100, oldest first. The emails
    /// carry tenants' details: the host puts its staff authorization on the returned builder.
    /// </summary>
    public static RouteHandlerBuilder MapNotificationsApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/notifications/emails", async (Guid? leaseId, NotificationsStore store, CancellationToken cancellationToken) =>
            Results.Ok(await store.ListPickupAsync(leaseId, 100, cancellationToken)));
}
