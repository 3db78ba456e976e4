namespace Orchestration.Endpoints.Gateway;

/// <summary>Where a list starts and how much of it one answer holds.</summary>
public sealed record Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The furthest a list can be skipped into: every page past it would scan that many rows to throw them away.</summary>
    public const int MaxOffset = 10_000;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, long Total)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], Limit, Offset, Total);
}
