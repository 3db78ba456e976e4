using System.Threading.Channels;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>One payload received from the broker, and how to tell the broker it is done with.</summary>
public sealed record ReceivedPayload(string Topic, byte[] Payload, Func<CancellationToken, Task> AcknowledgeAsync);

/// <summary>
/// Where both ingestion paths (the MQTT subscription and the RabbitMQ ingest queue) hand their payloads: a few lanes,
/// one topic (one device) always in the same lane so its sequence is seen in the order it arrived; each payload goes
/// through <see cref="DevicePayloadHandler"/> in a scope of its own and is acknowledged only after the handler has
/// committed what it means (or quarantined it), so a crash in between brings it again and its message id drops the
/// repeat. A failure (the database away) retries the same payload in its lane with a growing pause: nothing here stops
/// the endpoint.
/// </summary>
public sealed class PayloadLanes(IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
{
    const int Lanes = 8;
    readonly Channel<ReceivedPayload>[] _lanes = [.. Enumerable.Range(0, Lanes).Select(_ => Channel.CreateBounded<ReceivedPayload>(256))];

    public ValueTask WriteAsync(ReceivedPayload received, CancellationToken cancellationToken) =>
        _lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(received.Topic) % Lanes)].Writer.WriteAsync(received, cancellationToken);

    /// <summary>Handles what arrives until <paramref name="stoppingToken"/> is cancelled; what is left is not acknowledged.</summary>
    public Task RunAsync(CancellationToken stoppingToken) => Task.WhenAll(_lanes.Select(lane => HandleLaneAsync(lane.Reader, stoppingToken)));

    async Task HandleLaneAsync(ChannelReader<ReceivedPayload> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var received in lane.ReadAllAsync(stoppingToken))
            {
                var pause = TimeSpan.FromMilliseconds(100);
                while (true)
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<DevicePayloadHandler>().HandleAsync(received.Topic, received.Payload, stoppingToken);
                        break;
                    }
                    catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                    {
                        logger.LogWarning(exception, "Payload on {Topic} not handled; trying again in {Pause}", received.Topic, pause);
                        await Task.Delay(pause, time, stoppingToken);
                        pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                    }
                }

                try
                {
                    await received.AcknowledgeAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The connection went away: the broker brings the payload again, and its message id drops the repeat.
                    logger.LogInformation(exception, "Could not acknowledge a payload on {Topic}", received.Topic);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
