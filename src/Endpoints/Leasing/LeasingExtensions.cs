using MassTransit;
using Orchestration.Endpoints.Leasing.ESignature;
using Orchestration.Endpoints.Leasing.ProviderEvents;
using Orchestration.Endpoints.Leasing.Screening;
using Orchestration.Endpoints.Leasing.UnitHolds;
using Orchestration.Platform.Http;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;
using Orchestration.Platform.Sagas;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Endpoints.Leasing;

/// <summary>
/// The Leasing endpoint's wiring, for its own host and for the standalone host alike:
/// <c>services.AddLeaseSigning(configuration)</c> and <c>services.AddLeasingServices(configuration)</c>, and
/// <c>x.AddLeaseSigningSaga()</c> and <c>x.AddLeasingConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class LeasingExtensions
{
    /// <summary>
    /// The consumers of the lease-signing saga's screening, e-signature and unit-hold commands, on their <see cref="CommandRoutes"/>
    /// queues, and of the providers' reported events.
    /// </summary>
    public static IBusRegistrationConfigurator AddLeasingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<RequestScreeningConsumer>().Endpoint(e => e.Name = CommandRoutes.Screening);
        x.AddConsumer<PrepareLeaseDocumentConsumer>().Endpoint(e => e.Name = CommandRoutes.ESignature);
        x.AddConsumer<RequestTenantSignatureConsumer>().Endpoint(e => e.Name = CommandRoutes.ESignature);
        x.AddConsumer<RequestLandlordCountersignatureConsumer>().Endpoint(e => e.Name = CommandRoutes.ESignature);
        x.AddConsumer<VoidLeaseSignaturesConsumer>().Endpoint(e => e.Name = CommandRoutes.ESignature);
        x.AddConsumer<UnitHoldConsumer>().Endpoint(e => e.Name = CommandRoutes.UnitHolds);
        // The providers' events, checked against the requests above before they reach the lease.
        x.AddConsumer<ReportedScreeningConsumer>().Endpoint(e => e.Name = CommandRoutes.Screening);
        x.AddConsumer<ReportedSignatureConsumer>().Endpoint(e => e.Name = CommandRoutes.ESignature);
        return x;
    }

    /// <summary>
    /// What the lease-signing saga needs outside the bus: its options (the <c>Leasing</c> section) and the command
    /// routes it sends by. Goes with <see cref="AddLeaseSigningSaga"/> in every host that runs the saga.
    /// </summary>
    public static IServiceCollection AddLeaseSigning(this IServiceCollection services, IConfiguration configuration)
    {
        CommandRouting.Map(CommandRoutes.Queues);
        services.AddSingleton(configuration.GetSection(LeasingOptions.Section).Get<LeaseSigningOptions>() ?? new LeaseSigningOptions());
        return services;
    }

    /// <summary>The lease-signing saga on the queue its definition pins, with its state in SQL.</summary>
    public static IBusRegistrationConfigurator AddLeaseSigningSaga(this IBusRegistrationConfigurator x)
    {
        x.AddSagaStateMachine<LeaseSigningStateMachine, LeaseSigningState, LeaseSigningDefinition>().SqlRepository();
        return x;
    }

    /// <summary>The provider clients and the consumers that call them, the endpoint's tables, and its unrecoverable exceptions.</summary>
    public static IServiceCollection AddLeasingServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LeasingOptions>(configuration.GetSection(LeasingOptions.Section));
        services.AddStore<LeasingStore>(LeasingMigrations.Tables);
        services.AddSingleton<ReportedProviderEvents>();

        var leasing = configuration.GetSection(LeasingOptions.Section);
        AddProviderClient<ScreeningClient>(services, options => options.Screening, leasing.GetSection("Screening:Resilience"));
        AddProviderClient<ESignatureClient>(services, options => options.ESignature, leasing.GetSection("ESignature:Resilience"));

        // The consumers that call them hold no transaction, and so no lock, while a provider answers.
        services.CallsThirdParties<RequestScreeningConsumer>()
            .CallsThirdParties<RequestTenantSignatureConsumer>()
            .CallsThirdParties<RequestLandlordCountersignatureConsumer>()
            .CallsThirdParties<VoidLeaseSignaturesConsumer>();

        // Refusals by a provider and commands that can never succeed: no retry can help (LeasingFailures.cs).
        services.AddUnrecoverable<ProviderRejectedException>()
            .AddUnrecoverable<UnitAlreadyHeldException>()
            .AddUnrecoverable<LeaseDocumentMissingException>()
            .AddUnrecoverable<EnvelopeMissingException>();

        return services;
    }

    /// <summary>
    /// A provider's typed client behind the standard resilience handler, which may send a request more than once. That
    /// is safe here: every POST to these providers carries an <c>Idempotency-Key</c> (<see cref="ProviderHttp.PostAsync"/>
    /// will not send one without), so a repeat of a create is answered with the first result, and a repeated
    /// countersignature or void finds the envelope already in that state; a GET changes nothing.
    /// </summary>
    static void AddProviderClient<TClient>(
        IServiceCollection services, Func<LeasingOptions, ProviderOptions> provider, IConfigurationSection resilience)
        where TClient : class =>
        services.AddHttpClient<TClient>((sp, client) =>
                ProviderHttp.Configure(client, provider(sp.GetRequiredService<IOptions<LeasingOptions>>().Value)))
            .AddProviderResilience(resilience);
}
