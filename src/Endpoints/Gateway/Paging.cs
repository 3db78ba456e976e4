namespace Orchestration.Endpoints.Gateway;

/// <summary>Where a list starts and how much of it one answer holds.</summary>
public sealed record Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, long Total);
