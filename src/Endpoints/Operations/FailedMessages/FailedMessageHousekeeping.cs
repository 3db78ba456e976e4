using Microsoft.Extensions.Hosting;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// Every poll interval: resolves the retried messages that have not failed again within <c>Operations:Retry:ResolveAfter</c>,
/// archives by the automatic rules (<c>Operations:Archive</c>), and deletes archived and resolved messages whose
/// retention (<c>Operations:RetentionDays</c>) has run out.
/// </summary>
public sealed class FailedMessageHousekeeping(IServiceScopeFactory scopes, IOptions<FailedMessageOptions> options, TimeProvider time,
    ILogger<FailedMessageHousekeeping> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<FailedMessageStore>();
                var recorder = scope.ServiceProvider.GetRequiredService<FailedMessageRecorder>();
                await recorder.ChangeAsync((session, now) => store.ResolveRetriedAsync(session, now - settings.Retry.ResolveAfter, now, stoppingToken),
                    stoppingToken);
                if (settings.Archive.AfterDays is not null || settings.Archive.MessageTypes.Count > 0)
                    await recorder.ChangeAsync((session, now) => store.AutoArchiveAsync(session,
                        settings.Archive.AfterDays is { } days ? now - TimeSpan.FromDays(days) : null, settings.Archive.MessageTypes, now, stoppingToken),
                        stoppingToken);
                var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
                await session.StepAsync(ct => store.DeleteExpiredAsync(session, time.GetUtcNow() - settings.Retention, ct), stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Failed-message housekeeping failed; trying again in {Interval}", settings.Ingestion.PollInterval);
            }

            await Task.Delay(settings.Ingestion.PollInterval, time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }
}
