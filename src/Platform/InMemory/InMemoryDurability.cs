using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.InMemory;

public static class InMemoryDurability
{
    /// <summary>
    /// The journal that keeps in-memory deliveries across a crash or a stop (see <see cref="InMemoryDeliveryTracker"/>).
    /// Only for the in-memory transport: RabbitMQ keeps its queues itself and confirms each send.
    /// </summary>
    public static IServiceCollection AddInMemoryDeliveryJournal(this IServiceCollection services)
    {
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<InMemoryDeliveryTracker>();
        return services;
    }

    /// <summary>
    /// Puts back what a previous run left in the in-memory queues. Registered after the bus, so it runs once the
    /// receive endpoints exist.
    /// </summary>
    public static IServiceCollection AddInMemoryRedelivery(this IServiceCollection services) =>
        services.AddHostedService<InMemoryRedelivery>();

    /// <summary>Journals every copy this bus puts in an in-memory queue until its receiver has finished it.</summary>
    public static void UseDeliveryJournal(this IInMemoryBusFactoryConfigurator bus, IRegistrationContext context)
    {
        var tracker = context.GetRequiredService<InMemoryDeliveryTracker>();
        bus.Host(tracker.Attach);
        bus.ConnectReceiveObserver(tracker);
        bus.ConnectSendObserver(tracker);
        bus.ConnectPublishObserver(tracker);
    }
}

sealed class InMemoryRedelivery(InMemoryDeliveryTracker tracker, TimeProvider time, ILogger<InMemoryRedelivery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The fabric announces its first queue while the bus starts its receive endpoints.
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (!tracker.Ready && time.GetUtcNow() < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);

        var count = await tracker.RedeliverAsync(cancellationToken);
        if (count > 0)
            logger.LogInformation("Delivered {Count} messages again that the last run had left in its in-memory queues", count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
