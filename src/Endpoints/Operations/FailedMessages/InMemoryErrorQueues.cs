using MassTransit;
using MassTransit.InMemoryTransport;
using Microsoft.Extensions.Hosting;
using Orchestration.Platform.InMemory;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// The error queues of the in-memory transport (standalone mode): the copies the delivery journal keeps parked for each
/// <c>*_error</c> queue are stored, then deleted from the journal. A crash between the two leaves copies the store
/// recognises, so nothing is lost and nothing is counted twice.
/// </summary>
public sealed class InMemoryErrorQueues(IServiceScopeFactory scopes, DeliveryJournal journal, InMemoryDeliveryTracker tracker,
    IOptions<FailedMessageOptions> options, TimeProvider time, ILogger<InMemoryErrorQueues> logger) : BackgroundService, IFailedMessageReturn
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await journal.LoadParkedErrorsAsync(200, stoppingToken) is { Count: > 0 } parked)
                {
                    await using (var scope = scopes.CreateAsyncScope())
                        await scope.ServiceProvider.GetRequiredService<FailedMessageRecorder>().RecordAsync([.. parked.Select(Copy)], stoppingToken);
                    await journal.DeleteParkedAsync([.. parked.Select(p => p.Sequence)], stoppingToken);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Storing the parked error-queue copies failed; trying again in {Interval}", options.Value.Ingestion.PollInterval);
            }

            await Task.Delay(options.Value.Ingestion.PollInterval, time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    static ErrorQueueCopy Copy(JournaledCopy copy)
    {
        var headers = copy.Message.Headers.GetAll()
            .ToDictionary(h => h.Key, h => Convert.ToString(h.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.OrdinalIgnoreCase);
        var contentType = headers.GetValueOrDefault(MessageHeaders.ContentType);
        return new ErrorQueueCopy(copy.MessageId, copy.Queue, headers, copy.Message.Body, contentType);
    }

    public async Task ReturnAsync(string queue, Guid messageId, IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType,
        CancellationToken cancellationToken)
    {
        var message = new InMemoryTransportMessage(messageId, body, contentType ?? "application/vnd.masstransit+json");
        foreach (var (key, value) in headers)
            message.Headers.Set(key, value);
        if (!await tracker.SendAsync(queue, message, cancellationToken))
            throw new InvalidOperationException("The in-memory bus has not started: the retry is sent again later.");
    }
}
