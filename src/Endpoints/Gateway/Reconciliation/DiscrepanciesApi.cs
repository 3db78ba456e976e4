using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Endpoints.Gateway.Api;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

/// <summary>
/// <c>/api/discrepancies</c>: the signed provider events that moved nothing, for the staff who reconcile payments and
/// leases (admins, accountants, property managers). They name leases and amounts, so no other role reads them.
/// </summary>
public static class DiscrepanciesApi
{
    public static readonly IReadOnlyList<string> Readers = [GatewayRoles.Admin, GatewayRoles.Accountant, GatewayRoles.PropertyManager];

    // Event ids are short and printable (the receiver refuses others), so a longer or unprintable one cannot name anything kept.
    static readonly IReadOnlyList<string> Providers = DiscrepancyProviders.All;
    const int MaxEventIdLength = 255;
    static readonly string[] Kinds = [DiscrepancyKinds.Unmatched, DiscrepancyKinds.Mismatch];

    public static void Map(RouteGroupBuilder api)
    {
        var discrepancies = api.MapGroup("/discrepancies").WithTags("Reconciliation")
            .RequireAuthorization(policy => policy.RequireRole(Readers));
        discrepancies.MapGet("/", ListAsync).WithName("ListDiscrepancies")
            .WithSummary("Lists signed provider events that matched nothing requested, newest first (provider, kind, leaseId, limit, offset).");
        discrepancies.MapGet("/{provider}/{eventId}", GetAsync).WithName("GetDiscrepancy")
            .WithSummary("Gets one provider event kept as a discrepancy.").ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<Page<DiscrepancyRecord>>, ValidationProblem>> ListAsync(string? provider, string? kind, Guid? leaseId, int? limit,
        int? offset, SqlSession session, DiscrepancyStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        provider = string.IsNullOrEmpty(provider) ? null : provider;
        kind = string.IsNullOrEmpty(kind) ? null : kind;
        if (provider is not null && !Providers.Contains(provider, StringComparer.Ordinal))
            errors["provider"] = [$"The provider is one of {string.Join(", ", Providers)}."];
        if (kind is not null && !Kinds.Contains(kind, StringComparer.Ordinal))
            errors["kind"] = [$"The kind is one of {string.Join(", ", Kinds)}."];
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        return TypedResults.Ok(await session.ReadAsync(() => store.ListAsync(session, new DiscrepancyFilter(provider, kind, leaseId), paging, cancellationToken),
            cancellationToken));
    }

    public static async Task<Results<Ok<DiscrepancyRecord>, ValidationProblem, ProblemHttpResult>> GetAsync(string provider, string eventId,
        SqlSession session, DiscrepancyStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Providers.Contains(provider, StringComparer.Ordinal))
            errors["provider"] = [$"The provider is one of {string.Join(", ", Providers)}."];
        if (eventId.Length > MaxEventIdLength || FieldRules.Unprintable(eventId) is not null)
            errors["eventId"] = [$"An event id is at most {MaxEventIdLength} printable characters."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var found = await session.ReadAsync(() => store.FindAsync(session, provider, eventId, cancellationToken), cancellationToken);
        return found is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Discrepancy not found",
                detail: $"No {provider} event {eventId} was kept as a discrepancy.")
            : TypedResults.Ok(found);
    }
}
