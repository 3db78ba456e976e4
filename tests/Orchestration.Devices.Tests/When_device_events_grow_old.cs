using Microsoft.Extensions.DependencyInjection;
using Orchestration.Devices.Tests.Infrastructure;
using Orchestration.Platform.Storage;

namespace Orchestration.Devices.Tests;

public sealed class When_device_events_grow_old(DevicesFixture.OnPostgres fixture) : DevicesTest(fixture), IClassFixture<DevicesFixture.OnPostgres>
{
    async Task WriteAsync(Func<DeviceRegistry, SqlSession, Task> write)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(CancellationToken.None);
        await write(scope.ServiceProvider.GetRequiredService<DeviceRegistry>(), session);
        await session.CommitAsync(CancellationToken.None);
    }

    static QuarantinedPayload Quarantined(Guid deviceId, DateTimeOffset receivedAt) =>
        new(Guid.NewGuid(), receivedAt, $"devices/x/y/{deviceId}/events", deviceId, "malformed JSON", 3, "e30=");

    [Fact]
    public async Task Should_forget_messages_and_quarantined_payloads_older_than_thirty_days_and_keep_the_rest()
    {
        var deviceId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await WriteAsync(async (registry, session) =>
        {
            (await registry.TryClaimMessageAsync(session, deviceId, "old", 1, now.AddDays(-31), CancellationToken.None)).ShouldBeTrue();
            (await registry.TryClaimMessageAsync(session, deviceId, "recent", 2, now.AddDays(-29), CancellationToken.None)).ShouldBeTrue();
            await registry.QuarantineAsync(session, Quarantined(deviceId, now.AddDays(-31)), CancellationToken.None);
            await registry.QuarantineAsync(session, Quarantined(deviceId, now.AddDays(-29)), CancellationToken.None);
        });

        // The host's own clean-up also runs once at its start, which may come after the rows above were written: what it
        // removed first this run does not find again, so the rows left are what the test reads, not the count removed.
        await Host.Services.GetRequiredService<DeviceEventRetention>().RunOnceAsync(CancellationToken.None);

        (await Host.AcceptedAsync(deviceId)).ShouldBe(1);
        (await Host.QuarantinedAsync(deviceId.ToString())).ShouldHaveSingleItem().ReceivedAt.ShouldBeGreaterThan(now.AddDays(-30));
        (await Host.ReadAsync<DeviceRegistry, bool>((registry, session, ct) => registry.IsClaimedAsync(session, deviceId, "recent", ct))).ShouldBeTrue();
    }
}
