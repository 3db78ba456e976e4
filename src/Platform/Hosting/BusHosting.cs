using MassTransit;
using Orchestration.Platform.InMemory;
using Orchestration.Platform.Recoverability;

namespace Orchestration.Platform.Hosting;

public static class BusHosting
{
    /// <summary>
    /// MassTransit on the transport <c>Bus:Transport</c> names, sending timeouts and delayed retries to the durable
    /// scheduler, with the SQL inbox/outbox, (if configured) quorum queues and the recoverability policy on every receive
    /// endpoint. The policy comes from <c>Recoverability</c>; it does not retry the exceptions the endpoints declare with
    /// <see cref="UnrecoverableRegistration.AddUnrecoverable{TException}"/>, nor those the operator lists in
    /// <c>Recoverability:Unrecoverable</c>. <paramref name="configure"/> adds the endpoint's consumers and sagas.
    /// </summary>
    public static IServiceCollection AddOrchestrationBus(this IServiceCollection services, IConfiguration configuration,
        Action<IBusRegistrationConfigurator> configure)
    {
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.Section));
        services.AddOptions<RecoverabilityOptions>().Bind(configuration.GetSection(RecoverabilityOptions.Section));
        services.AddOptions<UnrecoverableExceptions>()
            .Configure<IOptions<RecoverabilityOptions>>((unrecoverable, options) => unrecoverable.Add(options.Value.Unrecoverable));

        var bus = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        var scheduler = SchedulerHosting.Options(configuration);
        var schedulerAddress = new Uri($"queue:{scheduler.Queue}");
        var inMemory = bus.Transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
        {
            services.AddInMemoryDeliveryJournal();
            services.Configure<MassTransitHostOptions>(host => host.WaitUntilStarted = true);
        }

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();

            // MassTransit would report usage to its vendor's host; an endpoint reaches only the servers and
            // providers it is configured for.
            x.DisableUsageTelemetry();
            x.AddMessageScheduler(schedulerAddress);
            x.AddSchedulerConsumers(scheduler);

            configure(x);

            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
                ConfigureReceiveEndpoint(context, endpoint, isScheduler: name == scheduler.Queue));
            UseTransport(x, bus, schedulerAddress);
        });

        // After the bus: the senders that start before it wait for this (see BusStarted).
        services.AddHostedService<BusStartedSignal>();

        // After the bus, so the in-memory queues exist when what a previous run left in them is put back.
        if (inMemory)
            services.AddInMemoryRedelivery();
        return services;
    }

    static void ConfigureReceiveEndpoint(IRegistrationContext context, IReceiveEndpointConfigurator endpoint, bool isScheduler)
    {
        var unrecoverable = context.GetRequiredService<IOptions<UnrecoverableExceptions>>().Value;
        if (isScheduler)
        {
            endpoint.UseSchedulerRecoverability(unrecoverable);
        }
        else
        {
            endpoint.UseRecoverability(context.GetRequiredService<IOptions<RecoverabilityOptions>>().Value, unrecoverable);
            endpoint.UseSqlOutbox(context);
        }

        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit
            && context.GetRequiredService<IOptions<BusOptions>>().Value.RabbitMq.QuorumQueues)
            rabbit.SetQuorumQueue();
    }

    static void UseTransport(IBusRegistrationConfigurator x, BusOptions bus, Uri schedulerAddress)
    {
        switch (bus.Transport.ToLowerInvariant())
        {
            case "rabbitmq":
                x.UsingRabbitMq((context, cfg) =>
                {
                    var rabbit = bus.RabbitMq;
                    cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                    {
                        h.Username(rabbit.Username);
                        h.Password(rabbit.Password);
                    });
                    cfg.PrefetchCount = rabbit.PrefetchCount;
                    UseEndpointDefaults(cfg, context, bus, schedulerAddress);
                });
                break;
            case "inmemory":
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDeliveryJournal(context);
                    UseEndpointDefaults(cfg, context, bus, schedulerAddress);
                });
                break;
            default:
                throw new ArgumentException($"Unknown transport '{bus.Transport}' (Bus:Transport). Use 'RabbitMq' or 'InMemory'.");
        }
    }

    static void UseEndpointDefaults<TEndpoint>(IBusFactoryConfigurator<TEndpoint> cfg, IBusRegistrationContext context, BusOptions bus,
        Uri schedulerAddress)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        if (bus.ConcurrentMessageLimit is { } limit)
            cfg.ConcurrentMessageLimit = limit;
        cfg.UseMessageScheduler(schedulerAddress);
        cfg.ConfigureEndpoints(context);
    }
}
