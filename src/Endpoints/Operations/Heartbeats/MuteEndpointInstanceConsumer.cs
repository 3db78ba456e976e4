using MassTransit;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Heartbeats;

/// <summary>Mutes or unmutes an instance's alerts for maintenance; an unknown instance is logged and left alone.</summary>
public sealed class MuteEndpointInstanceConsumer(SqlSession session, EndpointInstanceStore instances, TimeProvider clock,
    ILogger<MuteEndpointInstanceConsumer> logger) : IConsumer<MuteEndpointInstance>
{
    public async Task Consume(ConsumeContext<MuteEndpointInstance> context)
    {
        var mute = context.Message;
        var ct = context.CancellationToken;
        if (!await instances.MuteAsync(session, mute.Endpoint, mute.Instance, mute.Until?.ToUnixTimeMilliseconds(), ct))
        {
            logger.LogWarning("{RequestedBy} asked to mute {Endpoint}/{Instance}, which has never sent a heartbeat", mute.RequestedBy, mute.Endpoint,
                mute.Instance);
            return;
        }

        if (await instances.FindAsync(session, mute.Endpoint, mute.Instance, ct) is { } after)
            await context.Publish(after.Report(clock.GetUtcNow()), ct);
        logger.LogInformation("{RequestedBy} {Action} {Endpoint}/{Instance}", mute.RequestedBy, mute.Until is null ? "unmuted" : $"muted until {mute.Until:u}",
            mute.Endpoint, mute.Instance);
    }
}
