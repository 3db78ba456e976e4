using System.Text.Json;
using Dapper;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>An alert rule as stored. <see cref="Default"/> rules stand in while admins have made none.</summary>
public sealed class AlertRule
{
    public Guid RuleId { get; init; }
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Endpoint { get; init; }
    public long? Threshold { get; init; }
    public long? WindowMs { get; init; }
    public long CoolDownMs { get; init; }
    public string ChannelIds { get; init; } = "[]";
    public bool Enabled { get; init; }
    public long Version { get; init; }

    public bool Default { get; init; }

    public IReadOnlyList<Guid> Channels => JsonSerializer.Deserialize<List<Guid>>(ChannelIds) ?? [];

    public TimeSpan CoolDown => TimeSpan.FromMilliseconds(CoolDownMs);

    public TimeSpan? Window => WindowMs is { } window ? TimeSpan.FromMilliseconds(window) : null;

    /// <summary>
    /// The key under which this rule's alerts of an incident are kept, for its cool-down: the default rules keep the
    /// incident's own (as alerts were kept before rules existed), the admins' rules their id before it.
    /// </summary>
    public string IncidentKey(string incident) => Default ? incident : $"{RuleId:N}/{incident}";

    public bool Watches(string? endpoint) => Endpoint is null || endpoint is null || string.Equals(Endpoint, endpoint, StringComparison.Ordinal);
}

/// <summary>An alert channel as stored; its secret is read only to sign a delivery.</summary>
public sealed class AlertChannel
{
    public Guid ChannelId { get; init; }
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Recipients { get; init; } = "[]";
    public string? Url { get; init; }
    public string? Secret { get; init; }
    public long Version { get; init; }

    public IReadOnlyList<string> RecipientList => JsonSerializer.Deserialize<List<string>>(Recipients) ?? [];
}

/// <summary>
/// <c>alert_rules</c>, <c>alert_channels</c>, <c>alert_deliveries</c> (each webhook delivery of an alert, with its
/// attempts) and <c>alert_failure_groups</c> (every failure group seen, so a new one is recognised). Times are Unix
/// milliseconds (UTC).
/// </summary>
public sealed class AlertRuleStore(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("operations_0302_alert_rules", (s, d) => $"""
        CREATE TABLE {s.Table("alert_rules")} (
            rule_id {d.UuidType} PRIMARY KEY,
            name text NOT NULL,
            kind text NOT NULL,
            endpoint text NULL,
            threshold bigint NULL,
            window_ms bigint NULL,
            cool_down_ms bigint NOT NULL,
            channel_ids text NOT NULL,
            enabled integer NOT NULL,
            version bigint NOT NULL,
            deleted integer NOT NULL DEFAULT 0
        );
        CREATE TABLE {s.Table("alert_channels")} (
            channel_id {d.UuidType} PRIMARY KEY,
            name text NOT NULL,
            kind text NOT NULL,
            recipients text NOT NULL,
            url text NULL,
            secret text NULL,
            version bigint NOT NULL,
            deleted integer NOT NULL DEFAULT 0
        );
        CREATE TABLE {s.Table("alert_deliveries")} (
            event_id {d.UuidType} PRIMARY KEY,
            alert_id {d.UuidType} NOT NULL,
            channel_id {d.UuidType} NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at bigint NOT NULL,
            delivered_at bigint NULL,
            last_error text NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "alert_deliveries_due")} ON {s.Table("alert_deliveries")} (next_attempt_at) WHERE delivered_at IS NULL;
        CREATE TABLE {s.Table("alert_failure_groups")} (
            group_key text PRIMARY KEY,
            first_seen bigint NOT NULL
        );
        """);

    const string RuleColumns = """
        rule_id AS RuleId, name AS Name, kind AS Kind, endpoint AS Endpoint, threshold AS Threshold, window_ms AS WindowMs,
        cool_down_ms AS CoolDownMs, channel_ids AS ChannelIds, enabled AS Enabled, version AS Version
        """;

    const string ChannelColumns = "channel_id AS ChannelId, name AS Name, kind AS Kind, recipients AS Recipients, url AS Url, secret AS Secret, version AS Version";

    readonly string _rules = storage.Table("alert_rules");
    readonly string _channels = storage.Table("alert_channels");
    readonly string _deliveries = storage.Table("alert_deliveries");
    readonly string _groups = storage.Table("alert_failure_groups");

    /// <summary>The rules not deleted, enabled or not; none when admins have made none (or deleted them all).</summary>
    public async Task<List<AlertRule>> RulesAsync(SqlSession session, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<AlertRule>(session.Command(
            $"SELECT {RuleColumns} FROM {_rules} WHERE deleted = 0 ORDER BY name", null, cancellationToken))).AsList();

    public async Task<bool> AnyRuleEverAsync(SqlSession session, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command($"SELECT COUNT(*) FROM {_rules}", null, cancellationToken)) > 0;

    public Task<AlertRule?> FindRuleAsync(SqlSession session, Guid ruleId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<AlertRule>(session.Command(
            $"SELECT {RuleColumns} FROM {_rules} WHERE rule_id = @ruleId", new { ruleId }, cancellationToken));

    public Task<AlertChannel?> FindChannelAsync(SqlSession session, Guid channelId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<AlertChannel>(session.Command(
            $"SELECT {ChannelColumns} FROM {_channels} WHERE channel_id = @channelId AND deleted = 0", new { channelId }, cancellationToken));

    /// <summary>The channels of those ids that exist (admins keep a handful: all are read and picked here, the same on both engines).</summary>
    public async Task<List<AlertChannel>> ChannelsAsync(SqlSession session, IReadOnlyCollection<Guid> channelIds, CancellationToken cancellationToken) =>
        channelIds.Count == 0
            ? []
            : (await session.Connection.QueryAsync<AlertChannel>(session.Command(
                $"SELECT {ChannelColumns} FROM {_channels} WHERE deleted = 0", null, cancellationToken))).Where(c => channelIds.Contains(c.ChannelId)).ToList();

    /// <summary>Stores the rule; returns its new version, or null when the stored one already says the same.</summary>
    public async Task<long?> SaveRuleAsync(SqlSession session, SaveAlertRule rule, CancellationToken cancellationToken)
    {
        var channelIds = JsonSerializer.Serialize(rule.ChannelIds);
        var before = await FindRuleAsync(session, rule.RuleId, cancellationToken);
        var window = rule.Window is { } w ? (long)w.TotalMilliseconds : (long?)null;
        var coolDown = (long)rule.CoolDown.TotalMilliseconds;
        if (before is not null && await IsDeletedAsync(session, _rules, "rule_id", rule.RuleId, cancellationToken) == false && before.Name == rule.Name
            && before.Kind == rule.Kind && before.Endpoint == rule.Endpoint && before.Threshold == rule.Threshold && before.WindowMs == window
            && before.CoolDownMs == coolDown && before.ChannelIds == channelIds && before.Enabled == rule.Enabled)
            return null;

        var version = (before?.Version ?? 0) + 1;
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_rules} (rule_id, name, kind, endpoint, threshold, window_ms, cool_down_ms, channel_ids, enabled, version, deleted)
            VALUES (@RuleId, @Name, @Kind, @Endpoint, @Threshold, @window, @coolDown, @channelIds, @enabled, @version, 0)
            ON CONFLICT (rule_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, endpoint = excluded.endpoint, threshold = excluded.threshold,
                window_ms = excluded.window_ms, cool_down_ms = excluded.cool_down_ms, channel_ids = excluded.channel_ids, enabled = excluded.enabled,
                version = excluded.version, deleted = 0
            """, new
        {
            rule.RuleId, rule.Name, rule.Kind, rule.Endpoint, rule.Threshold, window, coolDown, channelIds, enabled = rule.Enabled ? 1 : 0, version,
        }, cancellationToken));
        return version;
    }

    /// <summary>Stores the channel (keeping its secret when none is given); returns its new version, or null when nothing changed.</summary>
    public async Task<long?> SaveChannelAsync(SqlSession session, SaveAlertChannel channel, CancellationToken cancellationToken)
    {
        var recipients = JsonSerializer.Serialize(channel.Recipients);
        var before = await session.Connection.QuerySingleOrDefaultAsync<AlertChannel>(session.Command(
            $"SELECT {ChannelColumns} FROM {_channels} WHERE channel_id = @ChannelId", new { channel.ChannelId }, cancellationToken));
        var secret = channel.Secret ?? before?.Secret;
        if (before is not null && await IsDeletedAsync(session, _channels, "channel_id", channel.ChannelId, cancellationToken) == false
            && before.Name == channel.Name && before.Kind == channel.Kind && before.Recipients == recipients && before.Url == channel.Url
            && before.Secret == secret)
            return null;

        var version = (before?.Version ?? 0) + 1;
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_channels} (channel_id, name, kind, recipients, url, secret, version, deleted)
            VALUES (@ChannelId, @Name, @Kind, @recipients, @Url, @secret, @version, 0)
            ON CONFLICT (channel_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, recipients = excluded.recipients, url = excluded.url,
                secret = excluded.secret, version = excluded.version, deleted = 0
            """, new { channel.ChannelId, channel.Name, channel.Kind, recipients, channel.Url, secret, version }, cancellationToken));
        return version;
    }

    /// <summary>Marks a rule deleted; its new version, or null when there was none to delete.</summary>
    public Task<long?> DeleteRuleAsync(SqlSession session, Guid ruleId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<long?>(session.Command(
            $"UPDATE {_rules} SET deleted = 1, version = version + 1 WHERE rule_id = @ruleId AND deleted = 0 RETURNING version", new { ruleId },
            cancellationToken));

    /// <summary>Marks a channel deleted and forgets its secret; its new version, or null when there was none to delete.</summary>
    public Task<long?> DeleteChannelAsync(SqlSession session, Guid channelId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<long?>(session.Command(
            $"UPDATE {_channels} SET deleted = 1, secret = NULL, version = version + 1 WHERE channel_id = @channelId AND deleted = 0 RETURNING version",
            new { channelId }, cancellationToken));

    async Task<bool> IsDeletedAsync(SqlSession session, string table, string key, Guid id, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command($"SELECT deleted FROM {table} WHERE {key} = @id", new { id }, cancellationToken)) == 1;

    /// <summary>Queues a webhook delivery of an alert; its id is the event id the receiver deduplicates by.</summary>
    public Task QueueDeliveryAsync(SqlSession session, Guid eventId, Guid alertId, Guid channelId, long now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_deliveries} (event_id, alert_id, channel_id, attempts, next_attempt_at, delivered_at, last_error)
            VALUES (@eventId, @alertId, @channelId, 0, @now, NULL, NULL)
            """, new { eventId, alertId, channelId, now }, cancellationToken));

    /// <summary>Records a failure group; true when it had never been seen.</summary>
    public async Task<bool> FirstSeenAsync(SqlSession session, string groupKey, long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command(
            $"INSERT INTO {_groups} (group_key, first_seen) VALUES (@groupKey, @now) ON CONFLICT (group_key) DO NOTHING", new { groupKey, now },
            cancellationToken)) == 1;
}
