using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Maintenance;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>/api/vendors</c> for admins and maintenance coordinators: the vendor registry that Maintenance keeps, managed
/// through commands sent with the bus outbox and read from <see cref="VendorReadModel"/>, which follows the registry's
/// events (a vendor is listed once Maintenance has stored it). The Gateway makes each vendor's signing secret and each API
/// key, answers it once, and keeps neither; a secret reaches Maintenance only sealed, a key only as its hash.
/// </summary>
static class VendorsApi
{
    static readonly Uri Registry = new($"queue:{CommandRoutes.VendorRegistry}");

    const int MaxEntries = 20;
    const int MaxUrlLength = 2000;
    const int DefaultPreference = 100;
    const int MaxPreference = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/vendors").WithTags("Vendors")
            .RequireAuthorization(p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.MaintenanceCoordinator));
        group.MapPost("", RegisterAsync).WithName("RegisterVendor")
            .WithSummary("Registers a vendor; 201 with its id and the signing secret of its webhooks, shown only in this answer.")
            .WithDescription("The vendor is listed once Maintenance has stored it.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("", ListAsync).WithName("ListVendors").WithSummary("Lists vendors by name a page at a time (limit, offset).")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetVendor").WithSummary("Gets one vendor with its API keys (never the keys themselves).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}/compliance", UpdateComplianceAsync).WithName("UpdateVendorCompliance")
            .WithSummary("Sets the date the vendor's insurance expires; 202. From the day after, the vendor is not dispatched to.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/keys", IssueKeyAsync).WithName("IssueVendorApiKey")
            .WithSummary("Issues an API key for the vendor API; 201 with the key, shown only in this answer. A vendor may hold several.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}/keys/{keyId:guid}", RevokeKeyAsync).WithName("RevokeVendorApiKey")
            .WithSummary("Revokes one of the vendor's API keys; 202. The vendor API refuses it once Maintenance has the revocation.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public sealed record VendorRequest(
        string? Name, IReadOnlyList<string?>? Trades, IReadOnlyList<string?>? ServiceAreas, string? CallbackUrl, DateOnly? InsuranceExpiresOn,
        int? Preference)
    {
        public Dictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>();
            FieldRules.Text(errors, "name", Name, 200, "A name");
            Entries(errors, "trades", Trades, "trade such as plumbing, electrical, hvac, locksmith or general");
            Entries(errors, "serviceAreas", ServiceAreas, "service area (a postal code in lower case without spaces)");
            if (CallbackUrl is not { Length: > 0 and <= MaxUrlLength } || !Uri.TryCreate(CallbackUrl, UriKind.Absolute, out var url)
                || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.UserInfo) || FieldRules.Unprintable(CallbackUrl) is not null)
                errors["callbackUrl"] = [$"An absolute http or https URL without user information, at most {MaxUrlLength} characters, is required."];
            if (InsuranceExpiresOn is null)
                errors["insuranceExpiresOn"] = ["The date the vendor's insurance expires (yyyy-MM-dd) is required."];
            if (Preference is < 0 or > MaxPreference)
                errors["preference"] = [$"The preference is from 0 (first) to {MaxPreference}; {DefaultPreference} when not given."];
            return errors;
        }

        static void Entries(Dictionary<string, string[]> errors, string field, IReadOnlyList<string?>? entries, string what)
        {
            if (entries is not { Count: > 0 and <= MaxEntries } || !entries.All(VendorListEntry.IsValid))
                errors[field] = [$"1 to {MaxEntries} entries, each a {what}: letters, digits and '-', at most {VendorListEntry.MaxLength}."];
        }
    }

    /// <summary>The new vendor's id and signing secret; the secret is not kept here and cannot be read again.</summary>
    public sealed record VendorRegistration(Guid VendorId, string SigningSecret);

    public sealed record VendorResponse(
        Guid VendorId, string Name, IReadOnlyList<string> Trades, IReadOnlyList<string> ServiceAreas, string CallbackUrl, DateOnly InsuranceExpiresOn,
        int Preference, DateTimeOffset RegisteredAt, IReadOnlyList<VendorKeyView> Keys);

    public sealed record VendorSummary(
        Guid VendorId, string Name, IReadOnlyList<string> Trades, IReadOnlyList<string> ServiceAreas, DateOnly InsuranceExpiresOn, int Preference);

    public sealed record ComplianceRequest(DateOnly? InsuranceExpiresOn);

    public sealed record VendorAccepted(Guid VendorId);

    /// <summary>A new API key; <see cref="Key"/> is not kept anywhere and cannot be read again.</summary>
    public sealed record IssuedKey(Guid VendorId, Guid KeyId, string Key);

    static async Task<Results<Created<VendorRegistration>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        VendorRequest request, SqlSession session, BusOutbox outbox, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        if (configuration[VendorSecretSeal.Setting] is not { } sealingKey || !VendorSecretSeal.IsUsableKey(sealingKey))
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Vendor registration is not configured",
                detail: $"The Gateway has no {VendorSecretSeal.Setting} (at least {VendorSecretSeal.MinKeyLength} characters) to seal signing secrets with.");

        var vendorId = MassTransit.NewId.NextGuid();
        var secret = VendorSigningSecret.New();
        await session.BeginAsync(cancellationToken);
        await outbox.Send(Registry, new RegisterVendor
        {
            VendorId = vendorId,
            Name = request.Name!.Trim(),
            Trades = [.. request.Trades!.Select(t => t!.Trim().ToLowerInvariant()).Distinct()],
            ServiceAreas = [.. request.ServiceAreas!.Select(a => a!.Trim().ToLowerInvariant()).Distinct()],
            CallbackUrl = request.CallbackUrl!,
            SigningSecret = VendorSecretSeal.Seal(secret, sealingKey, vendorId),
            InsuranceExpiresOn = request.InsuranceExpiresOn!.Value,
            Preference = request.Preference ?? DefaultPreference,
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/vendors/{vendorId}", new VendorRegistration(vendorId, secret));
    }

    static async Task<Results<Ok<Page<VendorSummary>>, ValidationProblem>> ListAsync(int? limit, int? offset, SqlSession session,
        VendorReadModel vendors, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging)
            return TypedResults.ValidationProblem(errors);
        var page = await session.ReadAsync(() => vendors.ListAsync(session, paging, cancellationToken), cancellationToken);
        return TypedResults.Ok(page.Select(v => new VendorSummary(v.VendorId, v.Name, Split(v.Trades), Split(v.ServiceAreas), v.InsuranceExpiresOn,
            v.Preference)));
    }

    static async Task<Results<Ok<VendorResponse>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, VendorReadModel vendors,
        CancellationToken cancellationToken)
    {
        var found = await session.ReadAsync(async () => await vendors.FindAsync(session, id, cancellationToken) is { } v
            ? new VendorResponse(v.VendorId, v.Name, Split(v.Trades), Split(v.ServiceAreas), v.CallbackUrl, v.InsuranceExpiresOn, v.Preference,
                v.RegisteredAt, await vendors.KeysAsync(session, id, cancellationToken))
            : null, cancellationToken);
        return found is null ? ApiProblems.NotFound("Vendor", id) : TypedResults.Ok(found);
    }

    static async Task<Results<Accepted<VendorAccepted>, ValidationProblem, ProblemHttpResult>> UpdateComplianceAsync(
        Guid id, ComplianceRequest request, SqlSession session, BusOutbox outbox, VendorReadModel vendors, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.InsuranceExpiresOn is not { } expiresOn)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["insuranceExpiresOn"] = ["The date the vendor's insurance expires (yyyy-MM-dd) is required."],
            });

        if (await BeginForKnownVendorAsync(id, session, vendors, cancellationToken) is { } notFound)
            return notFound;
        await outbox.Send(Registry, new UpdateVendorCompliance { VendorId = id, InsuranceExpiresOn = expiresOn, RequestedAt = time.GetUtcNow() },
            cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/api/vendors/{id}", new VendorAccepted(id));
    }

    static async Task<Results<Created<IssuedKey>, ProblemHttpResult>> IssueKeyAsync(Guid id, SqlSession session, BusOutbox outbox,
        VendorReadModel vendors, CancellationToken cancellationToken)
    {
        if (await BeginForKnownVendorAsync(id, session, vendors, cancellationToken) is { } notFound)
            return notFound;
        var key = VendorApiKey.New();
        var keyId = MassTransit.NewId.NextGuid();
        await outbox.Send(Registry, new IssueVendorApiKey { VendorId = id, KeyId = keyId, KeyHash = VendorApiKey.Hash(key) }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/vendors/{id}", new IssuedKey(id, keyId, key));
    }

    static async Task<Results<Accepted<VendorAccepted>, ProblemHttpResult>> RevokeKeyAsync(Guid id, Guid keyId, SqlSession session, BusOutbox outbox,
        VendorReadModel vendors, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        if (!await vendors.HoldsKeyAsync(session, id, keyId, cancellationToken))
        {
            await session.RollbackAsync();
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found",
                detail: $"Vendor {id} holds no API key {keyId}.");
        }

        await outbox.Send(Registry, new RevokeVendorApiKey { VendorId = id, KeyId = keyId }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/api/vendors/{id}", new VendorAccepted(id));
    }

    /// <summary>Begins the transaction the command is sent in when the vendor is known here; else 404, with nothing begun.</summary>
    static async Task<ProblemHttpResult?> BeginForKnownVendorAsync(Guid id, SqlSession session, VendorReadModel vendors,
        CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        if (await vendors.FindAsync(session, id, cancellationToken) is not null)
            return null;
        await session.RollbackAsync();
        return ApiProblems.NotFound("Vendor", id);
    }

    static string[] Split(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
