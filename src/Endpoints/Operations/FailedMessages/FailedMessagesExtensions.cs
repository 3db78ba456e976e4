using MassTransit;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.InMemory;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// The failed-message workbench of the Operations endpoint: <c>services.AddFailedMessages(configuration)</c> and
/// <c>x.AddFailedMessageConsumers()</c> inside <c>AddOrchestrationEndpoint</c>, in Operations' own host and in Standalone.
/// </summary>
public static class FailedMessagesExtensions
{
    /// <summary>
    /// The store, the ingestion of every error queue (RabbitMQ's, listed through its management API, or the in-memory
    /// transport's parked copies), the throttled retry dispatcher and the housekeeping of resolved and archived messages.
    /// </summary>
    public static IServiceCollection AddFailedMessages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FailedMessageOptions>().Bind(configuration.GetSection(FailedMessageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddStore<FailedMessageStore>(FailedMessageStore.Tables);
        services.AddScoped<FailedMessageRecorder>();
        var inMemory = (configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions()).Transport
            .Equals("InMemory", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
        {
            services.AddSingleton<InMemoryErrorQueues>();
            services.AddSingleton<IFailedMessageReturn>(sp => sp.GetRequiredService<InMemoryErrorQueues>());
            services.AddHostedService(sp => sp.GetRequiredService<InMemoryErrorQueues>());
        }
        else
        {
            services.AddSingleton<RabbitMqErrorQueues>();
            services.AddSingleton<IFailedMessageReturn>(sp => sp.GetRequiredService<RabbitMqErrorQueues>());
            services.AddHostedService(sp => sp.GetRequiredService<RabbitMqErrorQueues>());
        }

        services.AddSingleton<RetryDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RetryDispatcher>());
        services.AddHostedService<FailedMessageHousekeeping>();
        return services;
    }

    /// <summary>The operators' commands (retry, archive and restore, edit &amp; retry) on their <see cref="CommandRoutes"/> queue.</summary>
    public static IBusRegistrationConfigurator AddFailedMessageConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<FailedMessageCommandsConsumer>().Endpoint(e => e.Name = CommandRoutes.FailedMessages);
        return x;
    }
}
