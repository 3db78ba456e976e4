using Microsoft.Extensions.DependencyInjection;
using Orchestration.Platform.Storage;

namespace Orchestration.Maintenance.Tests.Infrastructure;

public static class RegistryAccess
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>Changes the registry through its own store, in a transaction that commits.</summary>
    public static async Task<T> WriteAsync<T>(this InProcessEndpoint maintenance, Func<VendorRegistry, SqlSession, Task<T>> write)
    {
        await using var scope = maintenance.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(CancellationToken.None);
        var result = await write(scope.ServiceProvider.GetRequiredService<VendorRegistry>(), session);
        await session.CommitAsync(CancellationToken.None);
        return result;
    }

    /// <summary>
    /// Registers a vendor in a service area of its own (so tests sharing the endpoint never see each other's vendors);
    /// insured for a year unless told otherwise.
    /// </summary>
    public static Task<Guid> RegisterAsync(this InProcessEndpoint maintenance, string area, string name, int preference, string trades = "plumbing",
        DateOnly? insuredUntil = null) =>
        maintenance.WriteAsync((registry, session) => registry.RegisterAsync(session, new NewVendor(
            name, trades.Split(' '), [area], new Uri($"http://127.0.0.1:5095/vendors/{name}/webhooks"), $"whsec_{Guid.NewGuid():N}",
            insuredUntil ?? Today.AddYears(1), preference), DateTimeOffset.UtcNow, CancellationToken.None));

    /// <summary>A service area no other test uses.</summary>
    public static string NewArea() => $"area-{Guid.NewGuid():N}"[..20];
}
