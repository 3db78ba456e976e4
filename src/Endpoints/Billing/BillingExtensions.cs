using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Endpoints.Billing;

/// <summary>
/// The Billing endpoint's wiring, for its own host and for the standalone host alike:
/// <c>services.AddBillingServices(configuration)</c> and <c>x.AddBillingConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class BillingExtensions
{
    /// <summary>Refusals by the gateway and amounts that can never be charged: no retry can help.</summary>
    public static readonly IReadOnlyList<Type> Unrecoverable = [typeof(PaymentGatewayRejectedException), typeof(InvalidMoveInAmountException)];

    /// <summary>The consumers of the lease-signing saga's move-in funds commands, on their <see cref="CommandRoutes"/> queue.</summary>
    public static IBusRegistrationConfigurator AddBillingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<RequestMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<CancelMoveInFundsRequestConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<RefundMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        return x;
    }

    /// <summary>The payment gateway client, the endpoint's tables, and its unrecoverable exceptions.</summary>
    public static IServiceCollection AddBillingServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<BillingOptions>(configuration.GetSection(BillingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(BillingMigrations.Tables);
        services.AddSingleton(BillingMigrations.Cancellations);
        services.AddSingleton<BillingStore>();
        services.AddScoped<MoveInRefunds>();

        services.AddHttpClient<PaymentGatewayClient>((sp, client) => PaymentGatewayClient.Configure(client, sp.GetRequiredService<IOptions<BillingOptions>>().Value));

        // Listed here as well as in appsettings.json, so a host that embeds Billing (Standalone) gets the same policy.
        services.PostConfigure<RecoverabilityOptions>(recoverability =>
        {
            foreach (var type in Unrecoverable)
            {
                if (!recoverability.Unrecoverable.Contains(type.FullName!))
                    recoverability.Unrecoverable.Add(type.FullName!);
            }
        });

        return services;
    }
}
