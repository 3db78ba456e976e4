using MassTransit;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Endpoints.Billing;

/// <summary>
/// The Billing endpoint's wiring, for its own host (<see cref="AddBillingEndpoint"/>) and for the standalone host alike:
/// <c>services.AddBillingServices(configuration)</c> and <c>x.AddBillingConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class BillingExtensions
{
    /// <summary>The Billing endpoint in a host of its own: the platform, its consumers and their services.</summary>
    public static IServiceCollection AddBillingEndpoint(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrchestrationEndpoint(configuration, "billing", x => x.AddBillingConsumers())
            .AddBillingServices(configuration);

    /// <summary>The queue on which Billing checks the payment gateway's events against its requests.</summary>
    public const string PaymentEventsQueue = "billing-payment-events";

    /// <summary>
    /// The consumers of the lease-signing saga's move-in funds commands, on their <see cref="CommandRoutes"/> queue, and
    /// the check of the gateway's payment events on <see cref="PaymentEventsQueue"/>.
    /// </summary>
    public static IBusRegistrationConfigurator AddBillingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<RequestMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<CancelMoveInFundsRequestConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<RefundMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<PaymentIntentEventsConsumer>().Endpoint(e => e.Name = PaymentEventsQueue);
        return x;
    }

    /// <summary>The payment gateway client and the consumers that call it, the endpoint's tables, and its unrecoverable exceptions.</summary>
    public static IServiceCollection AddBillingServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<BillingOptions>(configuration.GetSection(BillingOptions.Section));
        services.AddStore<BillingStore>(BillingMigrations.Tables, BillingMigrations.Cancellations, BillingMigrations.PaymentPages,
            BillingMigrations.ChargeClaims);
        services.AddScoped<MoveInRefunds>();

        // They hold no transaction, and so no lock, while the gateway answers.
        services.CallsThirdParties<RequestMoveInFundsConsumer>()
            .CallsThirdParties<CancelMoveInFundsRequestConsumer>()
            .CallsThirdParties<RefundMoveInFundsConsumer>();

        services.AddHttpClient<PaymentGatewayClient>((sp, client) => PaymentGatewayClient.Configure(client, sp.GetRequiredService<IOptions<BillingOptions>>().Value));

        // Refusals by the gateway and amounts that can never be charged: no retry can help (BillingFailures.cs).
        services.AddUnrecoverable<PaymentGatewayRejectedException>()
            .AddUnrecoverable<InvalidMoveInAmountException>();

        return services;
    }
}
