namespace Orchestration.Platform.Observability;

/// <summary>
/// This process's name among its endpoint's instances: <c>Endpoint:Instance</c> when set, else the host name and the
/// port it listens on, so that an instance restarted in its place is recognised as the same one.
/// </summary>
public static class EndpointInstance
{
    public static string From(IConfiguration configuration)
    {
        if (configuration["Endpoint:Instance"] is { Length: > 0 } configured)
            return configured;

        var host = Environment.MachineName.ToLowerInvariant();
        var urls = configuration["Urls"] ?? configuration["ASPNETCORE_URLS"] ?? configuration["URLS"];
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is not null && Uri.TryCreate(first.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal),
            UriKind.Absolute, out var uri) && uri.Port > 0
            ? $"{host}:{uri.Port}"
            : $"{host}:{Environment.ProcessId}";
    }
}
