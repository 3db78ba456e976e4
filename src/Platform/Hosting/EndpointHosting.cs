using MassTransit;
using MassTransit.Middleware;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orchestration.Platform.InMemory;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;
using Orchestration.Platform.Scheduling;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Hosting;

public static class EndpointHosting
{
    /// <summary>
    /// Sets up an endpoint from configuration: its SQL storage and migrations, the inbox/outbox on every receive
    /// endpoint, the recoverability policy, the durable scheduler (hosted here when <c>Scheduler:Host</c> is true),
    /// and the bus on RabbitMQ or the in-memory transport. <paramref name="configure"/> adds the endpoint's consumers
    /// and sagas.
    /// </summary>
    public static IServiceCollection AddOrchestrationEndpoint(this IServiceCollection services, IConfiguration configuration, string endpointName,
        Action<IBusRegistrationConfigurator> configure)
    {
        services.AddOptions<StorageOptions>().Configure(o => o.Schema = endpointName.Replace('-', '_').ToLowerInvariant())
            .Bind(configuration.GetSection(StorageOptions.Section));
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.Section));
        services.AddOptions<RecoverabilityOptions>().Bind(configuration.GetSection(RecoverabilityOptions.Section));
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => SqlStorage.From(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddScoped<SqlSession>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<SqlOutboxDelivery>();
        services.AddSingleton<InboxClaimPolicy>();
        services.AddScoped<BusOutbox>();
        services.AddScoped<IOutboxContextFactory<SqlSession>, SqlOutboxContextFactory>();
        foreach (var migration in PlatformMigrations.All)
            services.AddSingleton(migration);

        // Migrations first: hosted services start in registration order, and the bus must not consume before its tables exist.
        services.AddHostedService<SchemaMigrator>();
        services.AddHostedService<OutboxSweeper>();
        services.AddHostedService<DeliveredMarker>();
        services.AddHostedService<InboxCleanup>();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<ParkedDeliveriesHealthCheck>("parked-deliveries", HealthStatus.Degraded, tags: ["delivery"]);

        var scheduler = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var schedulerAddress = new Uri($"queue:{scheduler.Queue}");
        if (scheduler.Host)
        {
            services.AddSingleton<SchedulerStore>();
            services.AddSingleton<ScheduledMessageDispatcher>();
            services.AddSingleton<SchedulerOutage>();
            services.AddHealthChecks().AddCheck<SchedulerOutage>("scheduler", tags: ["ready"]);
            services.AddHostedService(sp => sp.GetRequiredService<ScheduledMessageDispatcher>());
            services.AddHostedService<TombstoneCleanup>();
        }

        var bus = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        var inMemory = bus.Transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
            services.AddInMemoryDeliveryJournal();

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();

            // MassTransit would report usage to its vendor's host; an endpoint reaches only the servers and
            // providers it is configured for.
            x.DisableUsageTelemetry();
            x.AddMessageScheduler(schedulerAddress);

            if (scheduler.Host)
            {
                x.AddConsumer<ScheduleMessageConsumer>().Endpoint(e => e.Name = scheduler.Queue);
                x.AddConsumer<CancelScheduledMessageConsumer>().Endpoint(e => e.Name = scheduler.Queue);
            }

            configure(x);

            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var recoverability = context.GetRequiredService<IOptions<RecoverabilityOptions>>().Value;
                if (name == scheduler.Queue)
                {
                    endpoint.UseSchedulerRecoverability(recoverability);
                }
                else
                {
                    endpoint.UseRecoverability(recoverability);
                    endpoint.UseSqlOutbox(context);
                }

                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && context.GetRequiredService<IOptions<BusOptions>>().Value.RabbitMq.QuorumQueues)
                    rabbit.SetQuorumQueue();
            });

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
                        if (bus.ConcurrentMessageLimit is { } limit)
                            cfg.ConcurrentMessageLimit = limit;
                        cfg.UseMessageScheduler(schedulerAddress);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                case "inmemory":
                    x.UsingInMemory((context, cfg) =>
                    {
                        cfg.UseDeliveryJournal(context);
                        if (bus.ConcurrentMessageLimit is { } limit)
                            cfg.ConcurrentMessageLimit = limit;
                        cfg.UseMessageScheduler(schedulerAddress);
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new ArgumentException($"Unknown transport '{bus.Transport}' (Bus:Transport). Use 'RabbitMq' or 'InMemory'.");
            }
        });
        if (inMemory)
            services.AddInMemoryRedelivery();

        return services;
    }

    /// <summary>Puts the SQL inbox/outbox in front of every consumer and saga on the endpoint.</summary>
    public static void UseSqlOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        var observer = new MassTransit.Configuration.OutboxConsumePipeSpecificationObserver<SqlSession>(endpoint, context)
        {
            // Everything a handler produced goes out in one pass, then the inbox row is marked delivered.
            MessageDeliveryLimit = 10_000,
            MessageDeliveryTimeout = context.GetRequiredService<IOptions<OutboxOptions>>().Value.DeliveryTimeout,
        };
        endpoint.ConnectConsumerConfigurationObserver(observer);
        endpoint.ConnectSagaConfigurationObserver(observer);
    }

    /// <summary>
    /// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> when the bus and the database are usable;
    /// <c>/health/delivery</c> is Degraded (still 200) while stored messages are parked, with their counts as JSON.
    /// </summary>
    public static IEndpointRouteBuilder MapOrchestrationHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapHealthChecks("/health/delivery", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("delivery"),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
            }),
        });
        return endpoints;
    }
}

sealed class StorageHealthCheck(SqlStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await storage.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{storage.Dialect.Name} schema '{storage.Schema}' reachable");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.Dialect.Name} unreachable", exception);
        }
    }
}
