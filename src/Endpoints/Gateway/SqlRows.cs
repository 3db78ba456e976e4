using Dapper;

namespace Orchestration.Endpoints.Gateway;

/// <summary>
/// How the Gateway's stores read their rows back beyond what <see cref="SqlColumnTypes"/> maps: an amount is an exact
/// decimal next to its currency, and a list comes a page at a time with its total.
/// </summary>
static class SqlRows
{
    /// <summary>
    /// Runs <paramref name="select"/>, which ends in <c>LIMIT @limit OFFSET @offset</c>, and <paramref name="count"/>, the
    /// total, with the same <paramref name="parameters"/>.
    /// </summary>
    public static async Task<Page<T>> QueryPageAsync<T>(this SqlSession session, string select, string count, object? parameters, Paging paging,
        CancellationToken cancellationToken)
    {
        var page = new DynamicParameters(parameters);
        page.Add("limit", paging.Limit);
        page.Add("offset", paging.Offset);
        var items = await session.Connection.QueryAsync<T>(session.Command(select, page, cancellationToken));
        var total = await session.Connection.ExecuteScalarAsync<long>(session.Command(count, parameters, cancellationToken));
        return new Page<T>([.. items], paging.Limit, paging.Offset, total);
    }

    /// <summary>The amount and currency of two columns; null when the amount is.</summary>
    public static Money? MoneyOf(decimal? amount, string? currency) =>
        amount is { } value ? new Money(value, currency ?? throw new InvalidOperationException("An amount is stored without its currency.")) : null;
}
