using System.Data.Common;
using System.Globalization;

namespace Orchestration.Endpoints.Gateway;

/// <summary>
/// How the Gateway's stores read their rows back: times are Unix milliseconds (UTC), an amount is an exact decimal next
/// to its currency, a date is ISO <c>yyyy-MM-dd</c> text, and a list comes a page at a time with its total.
/// </summary>
static class SqlRows
{
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(this DbCommand command, Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>The row a key names, or null; two rows for one key are a broken key and throw.</summary>
    public static async Task<T?> ReadOneAsync<T>(this DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class =>
        (await command.ReadAllAsync(read, cancellationToken)).SingleOrDefault();

    /// <summary>The row that <c>@key</c> in <paramref name="select"/> names, or null.</summary>
    public static async Task<T?> ReadByKeyAsync<T>(this SqlSession session, string select, Guid key, Func<DbDataReader, T> read,
        CancellationToken cancellationToken) where T : class
    {
        await using var command = session.CreateCommand(select).With("@key", key);
        return await command.ReadOneAsync(read, cancellationToken);
    }

    /// <summary>Runs <paramref name="command"/>, which ends in <c>LIMIT @limit OFFSET @offset</c>, and <paramref name="count"/>, the total.</summary>
    public static async Task<Page<T>> ReadPageAsync<T>(this DbCommand command, DbCommand count, Paging paging, Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var items = await command.With("@limit", paging.Limit).With("@offset", paging.Offset).ReadAllAsync(read, cancellationToken);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new Page<T>(items, paging.Limit, paging.Offset, total);
    }

    public static DateTimeOffset At(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    public static DateTimeOffset? NullableAt(DbDataReader r, int ordinal) => r.GetNullableInt64(ordinal) is { } at ? At(at) : null;

    public static Money MoneyAt(DbDataReader r, int ordinal) => new(r.GetDecimal(ordinal), r.GetString(ordinal + 1));

    public static Money? NullableMoneyAt(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : MoneyAt(r, ordinal);

    public static DateOnly? DateAt(DbDataReader r, int ordinal) =>
        r.GetNullableString(ordinal) is { } date ? DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    public static string? IsoDate(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
