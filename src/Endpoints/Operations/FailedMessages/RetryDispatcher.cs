using System.Text;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// Sends the messages whose retry was requested back to the queues they failed on, oldest request first, no faster than
/// <c>Operations:Retry:MessagesPerSecond</c>, so a thousand failed rent charges do not all reach the payment gateway at
/// once. Each copy leaves without its fault headers and keeps its message id; it is marked sent after the transport took
/// it. A crash in between sends it once more at the next start, which the receiver's inbox recognises by its id.
/// </summary>
public sealed class RetryDispatcher(IServiceScopeFactory scopes, IFailedMessageReturn transport, IOptions<FailedMessageOptions> options,
    TimeProvider time, ILogger<RetryDispatcher> logger) : BackgroundService
{
    readonly SemaphoreSlim _wake = new(0, 1);
    DateTimeOffset _next = DateTimeOffset.MinValue;

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(1 / options.Value.Retry.MessagesPerSecond);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                List<FailedMessageRecord> due;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
                    var store = scope.ServiceProvider.GetRequiredService<FailedMessageStore>();
                    due = await session.ReadStepAsync(ct => store.RequestedRetriesAsync(session, 100, ct), stoppingToken);
                }

                foreach (var message in due)
                {
                    var wait = _next - time.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, time, stoppingToken);
                    _next = (_next > time.GetUtcNow() ? _next : time.GetUtcNow()) + interval;

                    await transport.ReturnAsync(message.InputQueue, message.MessageId, FailureHeaders.WithoutFaults(message.HeaderValues),
                        Encoding.UTF8.GetBytes(message.Body), message.ContentType, stoppingToken);
                    await using var scope = scopes.CreateAsyncScope();
                    var store = scope.ServiceProvider.GetRequiredService<FailedMessageStore>();
                    await scope.ServiceProvider.GetRequiredService<FailedMessageRecorder>().ChangeAsync(
                        async (session, now) => await store.MarkSentAsync(session, message.MessageId, now, stoppingToken) is { } sent ? [sent] : [],
                        stoppingToken);
                }

                if (due.Count > 0)
                    continue;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Sending requested retries failed; trying again shortly");
            }

            await _wake.WaitAsync(options.Value.Ingestion.PollInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}
