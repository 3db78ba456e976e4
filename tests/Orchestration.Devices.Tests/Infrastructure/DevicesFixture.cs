namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>
/// The Devices endpoint as its host builds it, in this process on a SQLite file of its own, with no retries (a failure
/// shows at once), recording the access codes it announces.
/// </summary>
public sealed class DevicesFixture() : HostFixture<InProcessEndpoint>(() => InProcessEndpoint.StartAsync(new EndpointSetup
{
    Name = "devices",
    Settings = { ["Recoverability:ImmediateRetries"] = "0", ["Recoverability:DelayedRetries"] = "" },
    Consumers = x => x.AddDevicesConsumers(),
    Services = builder => builder.Services.AddDevicesServices(builder.Configuration),
    Records = [typeof(AccessCodeIssued)],
}));
