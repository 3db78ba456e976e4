using MassTransit;
using Orchestration.Endpoints.Gateway.Api;
using Orchestration.Endpoints.Gateway.Portal;
using Orchestration.Endpoints.Gateway.Reconciliation;
using Orchestration.Endpoints.Gateway.Rent;
using Orchestration.Endpoints.Gateway.Webhooks;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway;

/// <summary>
/// The Gateway's wiring. Its host calls <c>services.AddGatewayEndpoint(configuration)</c>, then <c>app.UseGatewayPipeline()</c>
/// and <c>app.MapGatewayEndpoints()</c>; the standalone host registers the parts itself (<c>x.AddGatewayProjections()</c>
/// inside its <c>AddOrchestrationEndpoint</c>, <see cref="AddGatewayWebhooks"/>, <see cref="AddGatewayApi"/> and
/// <c>AddGatewaySecurity</c>) and serves the same pipeline and endpoints. Each feature maps its routes in its own folder,
/// next to their handlers.
/// </summary>
public static class GatewayExtensions
{
    /// <summary>The queue on which the Gateway projects Leasing's events into its read models.</summary>
    public const string ProjectionQueue = "gateway-lease-projection";

    /// <summary>The platform's defaults with the lease projection on the bus, the webhook receivers, the staff API and staff sign-in.</summary>
    public static IServiceCollection AddGatewayEndpoint(this IServiceCollection services, IConfiguration configuration) => services
        .AddOrchestrationEndpoint(configuration, "gateway", x => x.AddGatewayProjections())
        .AddGatewayWebhooks(configuration)
        .AddGatewayApi(configuration)
        .AddGatewaySecurity(configuration);

    /// <summary>
    /// The webhook receivers' services: options (checked at start-up: every provider's secret is required), the receipts
    /// table, and the rate limits the receiver applies once a delivery's signature is checked. The host also calls
    /// <c>AddOrchestrationEndpoint</c> (storage, bus outbox).
    /// </summary>
    public static IServiceCollection AddGatewayWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddValidatedOptions<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddStore<WebhookReceiptStore>(
            WebhookMigrations.WebhookReceipts, WebhookMigrations.WebhookReceiptsReceivedAt);
        services.AddHostedService<WebhookReceiptCleanup>();
        services.AddScoped<WebhookReceiver>();
        services.AddSingleton<WebhookRateLimits>();
        return services;
    }

    /// <summary>
    /// The staff API's services: properties and units, the lease read models, idempotency keys, the OpenAPI document, and
    /// the portal's components, which call that API.
    /// Request bodies are read strictly: a number sent as a string or a property given twice is a 400 naming it, not a guess.
    /// </summary>
    public static IServiceCollection AddGatewayApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
        // A request the routes could not bind is the client's mistake, answered above; it is not an error of the Gateway's.
        services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(options =>
            options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException);
        services.AddStorageUnavailableProblems();
        services.AddStore<PropertyStore>(ReadModelMigrations.Tables, ReadModelMigrations.CaseInsensitiveKeys);
        services.AddStore<WorkOrderReadModel>(WorkOrderReadModel.Tables, WorkOrderReadModel.ListIndexes);
        services.AddStore<DeviceReadModel>(DeviceReadModel.Tables);
        services.AddStore<VendorReadModel>(VendorReadModel.Tables);
        services.AddOperationsHealth();

        services.AddSingleton<LeaseReadModel>();
        services.AddSingleton<LeaseFollowUp>();
        // Every effect of a projection is in its transaction, so a duplicate copy that loses the race simply rolls back.
        services.ClaimInboxAtCommit<LeaseProjectionConsumer>();

        services.AddOptions<GatewayApiOptions>().Bind(configuration.GetSection(GatewayApiOptions.Section));
        services.AddSingleton<IdempotencyKeys>();
        services.AddHostedService<IdempotencyKeyCleanup>();
        services.AddGatewayOpenApi();
        services.AddOutputCache();
        services.AddPortal();
        return services;
    }

    /// <summary>The consumer that keeps leases, their timelines, tenants and unit occupancy in step with Leasing's events.</summary>
    public static IBusRegistrationConfigurator AddGatewayProjections(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<LeaseProjectionConsumer>().Endpoint(e => e.Name = ProjectionQueue);
        x.AddConsumer<WorkOrderProjectionConsumer>().Endpoint(e => e.Name = ProjectionQueue);
        x.AddConsumer<DeviceProjectionConsumer>().Endpoint(e => e.Name = ProjectionQueue);
        x.AddConsumer<VendorProjectionConsumer>().Endpoint(e => e.Name = ProjectionQueue);
        x.AddProviderDiscrepancies();
        x.AddRentProjections();
        x.AddOperationsProjection();
        x.AddOperationsHealthProjection();
        return x;
    }

    /// <summary>
    /// The client's address and scheme from known proxies (<c>Gateway:Proxies</c>), problem details for errors, the
    /// API's body limit, then staff authentication and authorization, then the anti-forgery check the portal's pages ask for.
    /// </summary>
    public static IApplicationBuilder UseGatewayPipeline(this IApplicationBuilder app) => app
        .UseForwardedHeaders()
        .UseExceptionHandler()
        .UseStatusCodePages()
        .UseApiBodyLimit()
        .UseOutputCache()
        .UseGatewaySecurity()
        .UsePortal();

    /// <summary>Health, the webhooks, sign-in and users, the staff API with its OpenAPI document, and the staff portal at <c>/</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder endpoints) => endpoints
        .MapOrchestrationHealth()
        .MapWebhooks()
        .MapAuthApi()
        .MapGatewayApi()
        .MapPortal();

    /// <summary><c>POST /webhooks/payments</c>, <c>/webhooks/esign</c> and <c>/webhooks/screening</c>: open to anyone, each checks its provider's signature.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        WebhookEndpoints.Map(endpoints.MapGroup("").AllowAnonymous());
        return endpoints;
    }

    /// <summary>
    /// <c>/api/properties</c>, <c>/api/units</c>, <c>/api/tenants</c>, <c>/api/lease-applications</c>, <c>/api/leases</c>
    /// and <c>/openapi/v1.json</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous().CacheOutput(new OpenApiDocumentCachePolicy());
        var api = endpoints.MapGroup("/api");
        PropertiesApi.Map(api);
        TenantsApi.Map(api);
        LeasesApi.Map(api);
        DiscrepanciesApi.Map(api);
        RentApi.Map(api);
        ReconciliationApi.Map(api);
        WorkOrdersApi.Map(api);
        DevicesApi.Map(api);
        VendorsApi.Map(api);
        OperationsApi.Map(api);
        OperationsHealthApi.Map(api);
        return endpoints;
    }
}
