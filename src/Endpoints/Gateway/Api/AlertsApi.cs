using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// <c>/api/operations/alerts/rules</c> and <c>/channels</c>: the alert rules and the channels they alert through. Any
/// staff member reads them (never a webhook's secret); admins create, replace and delete them. A change is validated
/// here and becomes a command to Operations through the bus outbox, answered 202; the lists show it once Operations has
/// stored it. A new webhook channel's secret is made here, answered once, and kept only by Operations.
/// </summary>
static class AlertsApi
{
    public const string ProjectionQueue = "gateway-operations-alerts";

    public const int MaxRecipients = 20;
    public static readonly TimeSpan MaxCoolDown = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);
    public static readonly TimeSpan DefaultCoolDown = TimeSpan.FromMinutes(15);

    static readonly Uri Alerts = new($"queue:{AlertSettings.Queue}");

    public static void Map(RouteGroupBuilder api)
    {
        var read = api.MapGroup("/operations/alerts").WithTags("Operations").RequireAuthorization(GatewayPolicies.Staff);
        var admin = api.MapGroup("/operations/alerts").WithTags("Operations").RequireAuthorization(GatewayPolicies.Admin);

        read.MapGet("/rules", ListRulesAsync).WithName("ListAlertRules").WithSummary("The alert rules admins have made (none: the defaults apply).");
        read.MapGet("/channels", ListChannelsAsync).WithName("ListAlertChannels").WithSummary("The alert channels, without their secrets.");
        admin.MapPost("/rules", CreateRuleAsync).WithName("CreateAlertRule")
            .WithSummary("Admins: a rule (name, kind, endpoint, threshold, windowSeconds, coolDownSeconds, channelIds, enabled); 202 with its id.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapPut("/rules/{id:guid}", ReplaceRuleAsync).WithName("ReplaceAlertRule").WithSummary("Admins: replaces a rule; 202.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapDelete("/rules/{id:guid}", DeleteRuleAsync).WithName("DeleteAlertRule").WithSummary("Admins: deletes a rule; 202.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/channels", CreateChannelAsync).WithName("CreateAlertChannel")
            .WithSummary("Admins: an email channel (recipients) or a signed webhook (url); 202 with its id and, for a webhook, its signing secret, shown this once.")
            .ProducesValidationProblem();
        admin.MapPut("/channels/{id:guid}", ReplaceChannelAsync).WithName("ReplaceAlertChannel")
            .WithSummary("Admins: replaces a channel; a webhook keeps its secret unless rotateSecret is true (the new one answered once); 202.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/channels/{id:guid}", DeleteChannelAsync).WithName("DeleteAlertChannel").WithSummary("Admins: deletes a channel; 202.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public sealed record RuleRequest(string? Name, string? Kind, string? Endpoint, long? Threshold, int? WindowSeconds, int? CoolDownSeconds,
        IReadOnlyList<Guid>? ChannelIds, bool? Enabled);

    public sealed record ChannelRequest(string? Name, string? Kind, IReadOnlyList<string>? Recipients, string? Url, bool? RotateSecret);

    public sealed record SettingAccepted(Guid Id, string? Secret);

    static async Task<Ok<List<AlertsReadModel.RuleView>>> ListRulesAsync(SqlSession session, AlertsReadModel model, CancellationToken cancellationToken) =>
        TypedResults.Ok(await session.ReadAsync(() => model.RulesAsync(session, cancellationToken), cancellationToken));

    static async Task<Ok<List<AlertsReadModel.ChannelView>>> ListChannelsAsync(SqlSession session, AlertsReadModel model,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await session.ReadAsync(() => model.ChannelsAsync(session, cancellationToken), cancellationToken));

    static Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> CreateRuleAsync(RuleRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken) =>
        SaveRuleAsync(NewId.NextGuid(), isNew: true, request, user, session, outbox, model, cancellationToken);

    static Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> ReplaceRuleAsync(Guid id, RuleRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken) =>
        SaveRuleAsync(id, isNew: false, request, user, session, outbox, model, cancellationToken);

    static async Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> SaveRuleAsync(Guid id, bool isNew, RuleRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "name", request.Name, 200, "A name");
        var kind = ApiProblems.OneOf(errors, "kind", request.Kind, AlertSettings.RuleKinds);
        if (string.IsNullOrEmpty(request.Kind))
            errors["kind"] = [$"The kind is one of {string.Join(", ", AlertSettings.RuleKinds)}."];
        FieldRules.Text(errors, "endpoint", request.Endpoint, 200, "An endpoint", required: false);
        var needsThreshold = kind is not null && AlertSettings.ThresholdKinds.Contains(kind);
        if (needsThreshold && request.Threshold is not > 0)
            errors["threshold"] = [$"A {kind} rule needs a threshold above 0 ({(kind == "critical-time" ? "milliseconds" : "messages")})."];
        else if (!needsThreshold && request.Threshold is not null)
            errors["threshold"] = ["Only failures, queue-length and critical-time rules have a threshold."];
        if (request.WindowSeconds is { } window && (window < 1 || window > MaxWindow.TotalSeconds || kind is not ("failures" or "critical-time")))
            errors["windowSeconds"] = [$"Failures and critical-time rules take a window of 1 to {MaxWindow.TotalSeconds:0} seconds; other rules none."];
        if (request.CoolDownSeconds is < 0 || request.CoolDownSeconds > MaxCoolDown.TotalSeconds)
            errors["coolDownSeconds"] = [$"A cool-down is 0 to {MaxCoolDown.TotalSeconds:0} seconds."];
        if (request.ChannelIds is not { Count: > 0 and <= 10 } channelIds || channelIds.Distinct().Count() != channelIds.Count)
            errors["channelIds"] = ["One to 10 different channel ids."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        var known = await model.ChannelIdsAsync(session, cancellationToken);
        if (request.ChannelIds!.FirstOrDefault(c => !known.Contains(c)) is var unknown && unknown != Guid.Empty)
        {
            await session.RollbackAsync();
            return ApiProblems.UnprocessableField("channelIds", "Unknown channel", $"No alert channel {unknown} exists.");
        }

        if (!isNew && !await model.RuleExistsAsync(session, id, cancellationToken))
        {
            await session.RollbackAsync();
            return ApiProblems.NotFound("Alert rule", id);
        }

        await outbox.Send(Alerts, new SaveAlertRule
        {
            RuleId = id, Name = request.Name!.Trim(), Kind = kind!, Endpoint = string.IsNullOrWhiteSpace(request.Endpoint) ? null : request.Endpoint.Trim(),
            Threshold = request.Threshold, Window = request.WindowSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            CoolDown = request.CoolDownSeconds is { } coolDown ? TimeSpan.FromSeconds(coolDown) : DefaultCoolDown, ChannelIds = request.ChannelIds!,
            Enabled = request.Enabled ?? true, RequestedBy = StaffMember.NameOf(user),
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new SettingAccepted(id, null));
    }

    static Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> CreateChannelAsync(ChannelRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken) =>
        SaveChannelAsync(NewId.NextGuid(), isNew: true, request, user, session, outbox, model, cancellationToken);

    static Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> ReplaceChannelAsync(Guid id, ChannelRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken) =>
        SaveChannelAsync(id, isNew: false, request, user, session, outbox, model, cancellationToken);

    static async Task<Results<Accepted<SettingAccepted>, ValidationProblem, ProblemHttpResult>> SaveChannelAsync(Guid id, bool isNew,
        ChannelRequest request, ClaimsPrincipal user, SqlSession session, BusOutbox outbox, AlertsReadModel model, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "name", request.Name, 200, "A name");
        var kind = ApiProblems.OneOf(errors, "kind", request.Kind, AlertSettings.ChannelKinds);
        if (string.IsNullOrEmpty(request.Kind))
            errors["kind"] = [$"The kind is one of {string.Join(", ", AlertSettings.ChannelKinds)}."];
        if (kind == "email")
        {
            if (request.Recipients is not { Count: > 0 } recipients || recipients.Count > MaxRecipients)
                errors["recipients"] = [$"An email channel has 1 to {MaxRecipients} recipients."];
            else if (recipients.Any(r => r is null || r.Length > 254 || !FieldRules.IsEmailAddress(r.Trim())))
                errors["recipients"] = ["Every recipient is an email address."];
            if (request.Url is not null)
                errors["url"] = ["An email channel has no URL."];
        }
        else if (kind == "webhook")
        {
            if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || request.Url!.Length > 2000
                || !string.IsNullOrEmpty(url.UserInfo))
                errors["url"] = ["A webhook channel has an absolute http(s) URL of at most 2000 characters, without credentials."];
            if (request.Recipients is { Count: > 0 })
                errors["recipients"] = ["A webhook channel has no recipients."];
        }

        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        var existing = isNew ? null : await model.ChannelKindAsync(session, id, cancellationToken);
        if (!isNew && existing is null)
        {
            await session.RollbackAsync();
            return ApiProblems.NotFound("Alert channel", id);
        }

        // A webhook's secret is made once: for a new webhook channel, one that was an email channel, or when asked to rotate.
        var secret = kind == "webhook" && (isNew || request.RotateSecret == true || existing != "webhook")
            ? "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
            : null;
        await outbox.Send(Alerts, new SaveAlertChannel
        {
            ChannelId = id, Name = request.Name!.Trim(), Kind = kind!,
            Recipients = kind == "email" ? [.. request.Recipients!.Select(r => r.Trim())] : [], Url = kind == "webhook" ? request.Url : null,
            Secret = secret, RequestedBy = StaffMember.NameOf(user),
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new SettingAccepted(id, secret));
    }

    static async Task<Results<Accepted, ProblemHttpResult>> DeleteRuleAsync(Guid id, ClaimsPrincipal user, SqlSession session, BusOutbox outbox,
        AlertsReadModel model, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        if (!await model.RuleExistsAsync(session, id, cancellationToken))
        {
            await session.RollbackAsync();
            return ApiProblems.NotFound("Alert rule", id);
        }

        await outbox.Send(Alerts, new DeleteAlertSetting { Setting = "rule", Id = id, RequestedBy = StaffMember.NameOf(user) }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    static async Task<Results<Accepted, ProblemHttpResult>> DeleteChannelAsync(Guid id, ClaimsPrincipal user, SqlSession session, BusOutbox outbox,
        AlertsReadModel model, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        if (await model.ChannelKindAsync(session, id, cancellationToken) is null)
        {
            await session.RollbackAsync();
            return ApiProblems.NotFound("Alert channel", id);
        }

        await outbox.Send(Alerts, new DeleteAlertSetting { Setting = "channel", Id = id, RequestedBy = StaffMember.NameOf(user) }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null);
    }
}

/// <summary>The Gateway's copy of Operations' alert rules and channels (no secrets); an older version changes nothing.</summary>
public sealed class AlertsReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_0303_alert_settings", (s, d) => $"""
        CREATE TABLE {s.Table("alert_rule_view")} (
            rule_id {d.UuidType} PRIMARY KEY,
            version bigint NOT NULL,
            deleted integer NOT NULL,
            body text NOT NULL
        );
        CREATE TABLE {s.Table("alert_channel_view")} (
            channel_id {d.UuidType} PRIMARY KEY,
            version bigint NOT NULL,
            deleted integer NOT NULL,
            kind text NOT NULL,
            body text NOT NULL
        );
        """);

    readonly string _rules = storage.Table("alert_rule_view");
    readonly string _channels = storage.Table("alert_channel_view");

    public sealed record RuleView(Guid Id, string Name, string Kind, string? Endpoint, long? Threshold, int? WindowSeconds, int CoolDownSeconds,
        IReadOnlyList<Guid> ChannelIds, bool Enabled, string ChangedBy);

    public sealed record ChannelView(Guid Id, string Name, string Kind, IReadOnlyList<string> Recipients, string? Url, bool HasSecret, string ChangedBy);

    public Task ApplyAsync(SqlSession session, AlertRuleChanged changed, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_rules} (rule_id, version, deleted, body) VALUES (@RuleId, @Version, @deleted, @body)
            ON CONFLICT (rule_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, body = excluded.body
            WHERE {_rules}.version < excluded.version
            """, new
        {
            changed.RuleId, changed.Version, deleted = changed.Deleted ? 1 : 0,
            body = JsonSerializer.Serialize(new RuleView(changed.RuleId, changed.Name, changed.Kind, changed.Endpoint, changed.Threshold,
                changed.Window is { } window ? (int)window.TotalSeconds : null, (int)changed.CoolDown.TotalSeconds, changed.ChannelIds, changed.Enabled,
                changed.ChangedBy), JsonSerializerOptions.Web),
        }, cancellationToken));

    public Task ApplyAsync(SqlSession session, AlertChannelChanged changed, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_channels} (channel_id, version, deleted, kind, body) VALUES (@ChannelId, @Version, @deleted, @Kind, @body)
            ON CONFLICT (channel_id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, kind = excluded.kind, body = excluded.body
            WHERE {_channels}.version < excluded.version
            """, new
        {
            changed.ChannelId, changed.Version, deleted = changed.Deleted ? 1 : 0, changed.Kind,
            body = JsonSerializer.Serialize(new ChannelView(changed.ChannelId, changed.Name, changed.Kind, changed.Recipients, changed.Url, changed.HasSecret,
                changed.ChangedBy), JsonSerializerOptions.Web),
        }, cancellationToken));

    public async Task<List<RuleView>> RulesAsync(SqlSession session, CancellationToken cancellationToken) =>
        [.. (await session.Connection.QueryAsync<string>(session.Command($"SELECT body FROM {_rules} WHERE deleted = 0", null, cancellationToken)))
            .Select(body => JsonSerializer.Deserialize<RuleView>(body, JsonSerializerOptions.Web)!).OrderBy(r => r.Name, StringComparer.Ordinal)];

    public async Task<List<ChannelView>> ChannelsAsync(SqlSession session, CancellationToken cancellationToken) =>
        [.. (await session.Connection.QueryAsync<string>(session.Command($"SELECT body FROM {_channels} WHERE deleted = 0", null, cancellationToken)))
            .Select(body => JsonSerializer.Deserialize<ChannelView>(body, JsonSerializerOptions.Web)!).OrderBy(c => c.Name, StringComparer.Ordinal)];

    public async Task<HashSet<Guid>> ChannelIdsAsync(SqlSession session, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<Guid>(session.Command($"SELECT channel_id FROM {_channels} WHERE deleted = 0", null, cancellationToken))];

    public Task<string?> ChannelKindAsync(SqlSession session, Guid channelId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<string?>(session.Command(
            $"SELECT kind FROM {_channels} WHERE channel_id = @channelId AND deleted = 0", new { channelId }, cancellationToken));

    public async Task<bool> RuleExistsAsync(SqlSession session, Guid ruleId, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command(
            $"SELECT COUNT(*) FROM {_rules} WHERE rule_id = @ruleId AND deleted = 0", new { ruleId }, cancellationToken)) > 0;
}

/// <summary>Keeps <see cref="AlertsReadModel"/> in step with Operations' alert settings.</summary>
public sealed class AlertsProjection(SqlSession session, AlertsReadModel model) : IConsumer<AlertRuleChanged>, IConsumer<AlertChannelChanged>
{
    public Task Consume(ConsumeContext<AlertRuleChanged> context) => model.ApplyAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertChannelChanged> context) => model.ApplyAsync(session, context.Message, context.CancellationToken);
}
