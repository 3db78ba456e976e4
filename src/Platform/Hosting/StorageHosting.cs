using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Hosting;

public static class StorageHosting
{
    /// <summary>
    /// The endpoint's database from <c>Storage</c> (its schema named after the endpoint unless configured), a session
    /// per message, the platform's migrations applied at start-up, and the storage readiness check.
    /// </summary>
    public static IServiceCollection AddOrchestrationStorage(this IServiceCollection services, IConfiguration configuration,
        string endpointName)
    {
        services.AddOptions<StorageOptions>()
            .Configure(o => o.Schema = endpointName.Replace('-', '_').ToLowerInvariant())
            .Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton(sp => SqlStorage.From(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddScoped<SqlSession>();
        foreach (var migration in PlatformMigrations.All)
            services.AddSingleton(migration);

        // First of all hosted services, whatever was registered before this call: a hosted service that reads or
        // cleans a table (the Gateway's webhook receipts in Standalone, say) must not start before the table exists.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaMigrator>());
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// A feature's store and the migrations that create its tables, applied after the platform's in the order given.
    /// The store stamps its rows with the registered clock: the system's, unless the host or a test registered another.
    /// </summary>
    public static IServiceCollection AddStore<TStore>(this IServiceCollection services, params SchemaMigration[] migrations)
        where TStore : class
    {
        services.TryAddSingleton(TimeProvider.System);
        foreach (var migration in migrations)
            services.AddSingleton(migration);
        return services.AddSingleton<TStore>();
    }
}
