using System.Globalization;
using System.Text.Json;
using Dapper;
using MassTransit;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;

namespace Orchestration.Endpoints.Devices.Thermostats;

/// <summary>A unit's lease as the thermostat needs it: when it ends, and whether the unit has been set to vacancy mode since.</summary>
public sealed record LeaseTerm(Guid LeaseId, Guid PropertyId, Guid UnitId, string LeaseEnd);

/// <summary>The SQL of <c>lease_terms</c>, in one place.</summary>
public sealed class LeaseTerms(SqlStorage storage)
{
    readonly string _terms = storage.Table("lease_terms");

    /// <summary>Keeps the lease's end; a repeated activation changes nothing.</summary>
    public Task RecordAsync(SqlSession session, LeaseActivated lease, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_terms} (lease_id, property_id, unit_id, lease_end) VALUES (@LeaseId, @PropertyId, @UnitId, @leaseEnd)
            ON CONFLICT (lease_id) DO NOTHING
            """, new { lease.LeaseId, lease.PropertyId, lease.UnitId, leaseEnd = lease.LeaseEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            cancellationToken));

    /// <summary>Leases whose last day is before <paramref name="today"/> and whose unit is not yet in vacancy mode, locked for one instance.</summary>
    public async Task<IReadOnlyList<LeaseTerm>> ClaimEndedAsync(SqlSession session, DateOnly today, int limit, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<LeaseTerm>(session.Command($"""
            SELECT lease_id, property_id, unit_id, lease_end FROM {_terms}
            WHERE lease_end < @today AND vacancy_set_at IS NULL ORDER BY lease_end, lease_id LIMIT @limit {session.Storage.Dialect.ForUpdateSkipLocked}
            """, new { today = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), limit }, cancellationToken))];

    public Task MarkVacancySetAsync(SqlSession session, Guid leaseId, DateTimeOffset now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command(
            $"UPDATE {_terms} SET vacancy_set_at = @now WHERE lease_id = @leaseId", new { leaseId, now }, cancellationToken));
}

/// <summary>Notes the end of every lease that starts, so the unit's thermostat can be set to vacancy mode when it passes.</summary>
public sealed class LeaseTermConsumer(SqlSession session, LeaseTerms terms) : IConsumer<LeaseActivated>
{
    public Task Consume(ConsumeContext<LeaseActivated> context) => terms.RecordAsync(session, context.Message, context.CancellationToken);
}

/// <summary>
/// Once a lease's last day is over (a UTC day; a unit stays in tenant mode at most a day longer in a time zone ahead of
/// UTC), sends the unit's thermostat <c>{"commandId","command":"set-mode","mode":"vacancy"}</c> on its commands topic,
/// every few minutes for the leases that ended. The command id derives from the lease, so a thermostat that receives it
/// twice (the mark did not commit after the send) sees one command; a unit without a thermostat is simply marked.
/// </summary>
public sealed class VacancySweep(IServiceScopeFactory scopes, MqttIngestion mqtt, TimeProvider time, ILogger<VacancySweep> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Thermostats of ended leases could not be set to vacancy mode this round");
            }
        }
    }

    /// <summary>Sets the thermostats of the units whose lease ended; returns how many leases were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var terms = scope.ServiceProvider.GetRequiredService<LeaseTerms>();
        var registry = scope.ServiceProvider.GetRequiredService<DeviceRegistry>();
        var now = time.GetUtcNow();
        await session.BeginAsync(cancellationToken);
        var ended = await terms.ClaimEndedAsync(session, DateOnly.FromDateTime(now.UtcDateTime), 100, cancellationToken);
        foreach (var lease in ended)
        {
            if (await registry.FindOnUnitAsync(session, lease.UnitId, DeviceKind.Thermostat, cancellationToken) is { } thermostat)
            {
                await mqtt.PublishAsync(DeviceTopics.Commands(thermostat.PropertyId, thermostat.UnitId, thermostat.DeviceId),
                    JsonSerializer.SerializeToUtf8Bytes(new { commandId = DeviceIds.From("vacancy", lease.LeaseId), command = "set-mode", mode = "vacancy" }, Json),
                    cancellationToken);
                logger.LogInformation("Lease {LeaseId} ended: thermostat {DeviceId} set to vacancy mode", lease.LeaseId, thermostat.DeviceId);
            }

            await terms.MarkVacancySetAsync(session, lease.LeaseId, now, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return ended.Count;
    }
}
