using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MassTransit;

namespace Orchestration.Platform.Sagas;

/// <summary>A stale update: another transaction changed the saga first. The retry policy runs the message again.</summary>
public sealed class SagaConcurrencyException : ConcurrencyException
{
    public SagaConcurrencyException(Type sagaType, Guid correlationId, int expectedVersion)
        : base($"Saga {sagaType.Name} {correlationId} was changed by another transaction (expected version {expectedVersion}).", sagaType, correlationId) =>
        Observability.PlatformMeter.SagaConcurrencyConflict(sagaType);
}

/// <summary>
/// One table per saga type: correlation id, current state, the instance as JSON, a version for optimistic
/// concurrency, and created/updated times.
/// </summary>
public sealed class SqlSagaStore<TSaga>
    where TSaga : class, ISagaVersion
{
    static readonly Func<TSaga, string?> ReadState = CreateStateReader();
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    readonly SqlStorage _storage;
    readonly TimeProvider _time;

    public SqlSagaStore(SqlStorage storage, SagaTable<TSaga> table, TimeProvider time)
    {
        _storage = storage;
        _time = time;
        TableName = storage.Table(table.Name);
    }

    public string TableName { get; }

    public static SchemaMigration Migration(string table) => new($"saga_{table}_0001", s => $"""
        CREATE TABLE {s.Table(table)} (
            correlation_id {s.Dialect.UuidType} PRIMARY KEY,
            current_state text NULL,
            data {s.Dialect.JsonType} NOT NULL,
            version integer NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, table + "_state")} ON {s.Table(table)} (current_state);
        """);

    /// <summary>
    /// Reads an instance. With <paramref name="forUpdate"/> the row stays locked until the transaction ends, so
    /// messages for one saga take turns instead of failing each other's version check (SQLite's transactions
    /// already lock the whole database).
    /// </summary>
    public async Task<TSaga?> LoadAsync(SqlSession session, Guid correlationId, CancellationToken cancellationToken, bool forUpdate = false) =>
        (await LoadRowAsync(session, correlationId, cancellationToken, forUpdate))?.Instance;

    /// <summary><see cref="LoadAsync"/>, with the instance's JSON as stored (what the saga audit compares the step's result with).</summary>
    public async Task<(TSaga Instance, string Data)?> LoadRowAsync(SqlSession session, Guid correlationId, CancellationToken cancellationToken,
        bool forUpdate = false)
    {
        var sql = $"SELECT data, version FROM {TableName} WHERE correlation_id = @id" + (forUpdate ? " " + _storage.Dialect.ForUpdate : "");
        await using var command = session.CreateCommand(sql).With("@id", correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Read(reader), reader.GetString(0)) : null;
    }

    public async Task<List<TSaga>> QueryAsync(SqlSession session, Expression<Func<TSaga, bool>> filter, CancellationToken cancellationToken) =>
        [.. (await QueryRowsAsync(session, filter, cancellationToken)).Select(row => row.Instance)];

    public async Task<List<(TSaga Instance, string Data)>> QueryRowsAsync(SqlSession session, Expression<Func<TSaga, bool>> filter,
        CancellationToken cancellationToken)
    {
        var where = new StringBuilder();
        await using var command = session.CreateCommand("");
        Translate(filter.Body, filter.Parameters[0], where, command);
        command.CommandText = $"SELECT data, version FROM {TableName} WHERE {where}";
        var instances = new List<(TSaga, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            instances.Add((Read(reader), reader.GetString(0)));
        return instances;
    }

    /// <summary>Inserts a new instance; false when one with the same correlation id already exists.</summary>
    public async Task<bool> InsertAsync(SqlSession session, TSaga instance, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        instance.Version = 1;
        await using var command = session.CreateCommand($"""
            INSERT INTO {TableName} (correlation_id, current_state, data, version, created_at, updated_at)
            VALUES (@id, @state, {_storage.Dialect.JsonValue("@data")}, 1, @now, @now)
            ON CONFLICT (correlation_id) DO NOTHING
            """).With("@id", instance.CorrelationId).With("@state", ReadState(instance)).With("@data", Serialize(instance)).With("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Inserts a new instance with the commit (see <see cref="SqlSession.Defer"/>), so the handler holds no lock on the
    /// new row while it runs; when another transaction created the instance first, the commit fails with
    /// <see cref="SagaConcurrencyException"/> and the retry finds that instance.
    /// </summary>
    public string DeferInsert(SqlSession session, TSaga instance)
    {
        instance.Version = 1;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var data = Serialize(instance);
        session.Defer($"""
            INSERT INTO {TableName} (correlation_id, current_state, data, version, created_at, updated_at)
            VALUES (@id, @state, {_storage.Dialect.JsonValue("@data")}, 1, @now, @now)
            ON CONFLICT (correlation_id) DO NOTHING
            """, rows =>
            {
                if (rows == 0)
                    throw new SagaConcurrencyException(typeof(TSaga), instance.CorrelationId, 0);
            }).With("@id", instance.CorrelationId).With("@state", ReadState(instance)).With("@data", data).With("@now", now);
        return data;
    }

    /// <summary>
    /// Writes the instance with the commit (see <see cref="SqlSession.Defer"/>). The version check runs then: a stale
    /// instance fails the commit with <see cref="SagaConcurrencyException"/> and the whole transaction rolls back.
    /// </summary>
    public Task UpdateAsync(SqlSession session, TSaga instance, CancellationToken cancellationToken)
    {
        DeferUpdate(session, instance);
        return Task.CompletedTask;
    }

    /// <summary><see cref="UpdateAsync"/>; returns the JSON it writes.</summary>
    public string DeferUpdate(SqlSession session, TSaga instance)
    {
        var expected = instance.Version;
        instance.Version = expected + 1;
        var data = Serialize(instance);
        session.Defer($"""
            UPDATE {TableName} SET current_state = @state, data = {_storage.Dialect.JsonValue("@data")}, version = @version, updated_at = @now
            WHERE correlation_id = @id AND version = @expected
            """, rows =>
            {
                if (rows == 0)
                {
                    instance.Version = expected;
                    throw new SagaConcurrencyException(typeof(TSaga), instance.CorrelationId, expected);
                }
            }).With("@state", ReadState(instance)).With("@data", data).With("@version", instance.Version)
            .With("@now", _time.GetUtcNow().ToUnixTimeMilliseconds()).With("@id", instance.CorrelationId).With("@expected", expected);
        return data;
    }

    /// <summary>Removes the instance with the commit, under the same version check as <see cref="UpdateAsync"/>.</summary>
    public Task DeleteAsync(SqlSession session, TSaga instance, CancellationToken cancellationToken)
    {
        var expected = instance.Version;
        session.Defer($"DELETE FROM {TableName} WHERE correlation_id = @id AND version = @expected", rows =>
            {
                if (rows == 0)
                    throw new SagaConcurrencyException(typeof(TSaga), instance.CorrelationId, expected);
            }).With("@id", instance.CorrelationId).With("@expected", expected);
        return Task.CompletedTask;
    }

    static TSaga Read(DbDataReader reader)
    {
        var instance = JsonSerializer.Deserialize<TSaga>(reader.GetString(0), Json)
            ?? throw new SagaException("The stored saga instance is empty.", typeof(TSaga), Guid.Empty);
        instance.Version = reader.GetInt32(1);
        return instance;
    }

    public static string Serialize(TSaga instance) => JsonSerializer.Serialize(instance, Json);

    /// <summary>The instance's <c>CurrentState</c>, as the table's <c>current_state</c> column holds it.</summary>
    public static string? StateOf(TSaga instance) => ReadState(instance);

    // CorrelateBy expressions of the form x => x.Property == value (joined with &&) become JSON-field comparisons.
    void Translate(Expression expression, ParameterExpression instance, StringBuilder sql, DbCommand command)
    {
        switch (expression)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                sql.Append('(');
                Translate(and.Left, instance, sql, command);
                sql.Append(" AND ");
                Translate(and.Right, instance, sql, command);
                sql.Append(')');
                return;
            case BinaryExpression { NodeType: ExpressionType.Equal } equal:
                var (member, value) = StripConvert(equal.Left) is MemberExpression left && left.Expression == instance
                    ? (left, equal.Right)
                    : StripConvert(equal.Right) is MemberExpression right && right.Expression == instance
                        ? (right, equal.Left)
                        : throw Unsupported(expression);
                var parameter = $"@p{command.Parameters.Count}";
                var constant = Expression.Lambda(value).Compile().DynamicInvoke();
                if (member.Member.Name == nameof(ISaga.CorrelationId))
                {
                    sql.Append("correlation_id = ").Append(parameter);
                    command.With(parameter, constant);
                    return;
                }

                sql.Append(_storage.Dialect is SqliteDialect ? $"json_extract(data, '$.{member.Member.Name}')" : $"(data->>'{member.Member.Name}')")
                    .Append(constant is null ? " IS NULL" : " = " + parameter);
                if (constant is not null)
                    command.With(parameter, JsonScalar(constant));
                return;
            default:
                throw Unsupported(expression);
        }
    }

    object JsonScalar(object value) => value switch
    {
        Guid guid => guid.ToString("D"),
        string text => text,
        bool flag when _storage.Dialect is SqliteDialect => flag ? 1 : 0,
        bool flag => flag ? "true" : "false",
        _ when _storage.Dialect is SqliteDialect => value,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    static Expression StripConvert(Expression expression) => expression is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : expression;

    static NotSupportedException Unsupported(Expression expression) =>
        new($"The SQL saga repository correlates by 'instance.Property == value' joined with '&&'; '{expression}' is not supported.");

    static Func<TSaga, string?> CreateStateReader()
    {
        var property = typeof(TSaga).GetProperty("CurrentState", BindingFlags.Public | BindingFlags.Instance);
        if (property is null)
            return _ => null;
        return instance => property.GetValue(instance)?.ToString();
    }
}

/// <summary>The table a saga type is stored in.</summary>
public sealed record SagaTable<TSaga>(string Name);
