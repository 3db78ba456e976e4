using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestration.Platform.Storage;

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
}
