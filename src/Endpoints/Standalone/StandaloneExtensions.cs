using System.ComponentModel.DataAnnotations;
using MassTransit;
using Orchestration.Messages;
using Orchestration.Messages.Leasing;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Sagas;
using Orchestration.Platform.Storage;
using Orchestration.Endpoints.Billing;
using Orchestration.Endpoints.Devices;
using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Leasing;
using Orchestration.Endpoints.Notifications;
using Orchestration.Sagas.Leasing;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Endpoints.Standalone;

public static class StandaloneExtensions
{
    /// <summary>The whole platform in one process: in-memory transport, one SQLite file, the scheduler, every saga.</summary>
    public static IServiceCollection AddStandalone(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddSingleton(configuration.GetSection("Leasing").Get<LeaseSigningOptions>() ?? new LeaseSigningOptions());
        CommandRouting.Map(CommandRoutes.Queues);

        // The third parties first, so they answer before the first message is handled.
        services.AddSimulators(configuration);
        services.AddGatewayWebhooks(configuration);
        services.AddLeasingServices(configuration);
        services.AddBillingServices(configuration);
        services.AddDevicesServices(configuration);
        services.AddNotificationsServices(configuration);
        services.AddOrchestrationEndpoint(configuration, "standalone", x =>
        {
            x.AddSagaStateMachine<LeaseSigningStateMachine, LeaseSigningState>().SqlRepository();
            x.AddLeasingConsumers();
            x.AddBillingConsumers();
            x.AddDevicesConsumers();
            x.AddNotifications();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLeasingApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");

        // The command commits with the request through the bus outbox: a 202 is never a lost application.
        api.MapPost("/lease-applications", async (LeaseApplicationRequest request, SqlSession session, BusOutbox outbox, CancellationToken cancellationToken) =>
        {
            var errors = request.Validate();
            if (errors.Count > 0)
                return Results.ValidationProblem(errors);

            var leaseId = NewId.NextGuid();
            await session.BeginAsync(cancellationToken);
            await outbox.Send(new Uri($"queue:{CommandRoutes.LeaseSigning}"), request.ToCommand(leaseId), cancellationToken);
            await session.CommitAsync(cancellationToken);
            return Results.Accepted($"/api/leases/{leaseId}", new { leaseId });
        });

        api.MapGet("/leases/{id:guid}", async (Guid id, SqlSession session, SqlSagaStore<LeaseSigningState> leases, CancellationToken cancellationToken) =>
        {
            await session.BeginAsync(cancellationToken);
            var lease = await leases.LoadAsync(session, id, cancellationToken);
            await session.CommitAsync(cancellationToken);
            return lease is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Lease not found", detail: $"No lease {id} exists.")
                : Results.Ok(new { leaseId = lease.CorrelationId, state = lease.CurrentState, lease.LastTransitionAt, lease.ApplicantName });
        });

        return endpoints;
    }
}

public sealed record LeaseApplicationRequest(
    Guid PropertyId,
    Guid UnitId,
    Guid? ApplicantId,
    string? ApplicantName,
    string? ApplicantEmail,
    decimal MonthlyRent,
    decimal SecurityDeposit,
    string? Currency,
    DateOnly LeaseStart,
    DateOnly LeaseEnd)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (PropertyId == Guid.Empty)
            errors["propertyId"] = ["A property is required."];
        if (UnitId == Guid.Empty)
            errors["unitId"] = ["A unit is required."];
        if (string.IsNullOrWhiteSpace(ApplicantName))
            errors["applicantName"] = ["The applicant's name is required."];
        if (string.IsNullOrWhiteSpace(ApplicantEmail) || !new EmailAddressAttribute().IsValid(ApplicantEmail))
            errors["applicantEmail"] = ["A valid email address is required."];
        if (MonthlyRent <= 0)
            errors["monthlyRent"] = ["The monthly rent must be positive."];
        if (SecurityDeposit < 0)
            errors["securityDeposit"] = ["The security deposit cannot be negative."];
        if (Currency is { Length: not 3 })
            errors["currency"] = ["The currency is a three-letter ISO 4217 code."];
        if (LeaseEnd <= LeaseStart)
            errors["leaseEnd"] = ["The lease must end after it starts."];
        return errors;
    }

    public SubmitLeaseApplication ToCommand(Guid leaseId)
    {
        var currency = (Currency ?? "USD").ToUpperInvariant();
        return new SubmitLeaseApplication
        {
            LeaseId = leaseId,
            PropertyId = PropertyId,
            UnitId = UnitId,
            ApplicantId = ApplicantId ?? NewId.NextGuid(),
            ApplicantName = ApplicantName!,
            ApplicantEmail = ApplicantEmail!,
            MonthlyRent = new Money(MonthlyRent, currency),
            SecurityDeposit = new Money(SecurityDeposit, currency),
            LeaseStart = LeaseStart,
            LeaseEnd = LeaseEnd,
        };
    }
}
