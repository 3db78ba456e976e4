using MassTransit;

namespace Orchestration.Endpoints.Leasing.Screening;

/// <summary>
/// Asks the screening provider to check the applicant, and records the provider's screening id against the lease. A
/// lease already recorded calls nothing. Runs with no transaction open while the provider answers
/// (<c>CallsThirdParties</c>): a copy handled at the same moment, or after the provider accepted but before the record
/// committed (a crash, a failed commit), calls again with the same <c>Idempotency-Key</c> and gets the same screening back.
/// </summary>
public sealed class RequestScreeningConsumer(
    SqlSession session,
    LeasingStore store,
    ScreeningClient screening,
    TimeProvider time,
    ILogger<RequestScreeningConsumer> logger) : IConsumer<RequestScreening>
{
    public async Task Consume(ConsumeContext<RequestScreening> context)
    {
        var command = context.Message;
        if (await session.ReadStepAsync(ct => store.FindScreeningAsync(session, command.LeaseId, ct), context.CancellationToken) is { } existing)
        {
            logger.LogInformation("Lease {LeaseId} already has screening {ScreeningId}; not requesting another", command.LeaseId, existing);
            return;
        }

        var screeningId = await screening.RequestAsync(command.ApplicantName, command.ApplicantEmail, LeaseReference.Of(command.LeaseId),
            LeaseReference.IdempotencyKey(command.LeaseId, "screening"), context.CancellationToken);
        store.RecordScreening(session, command.LeaseId, screeningId, time.GetUtcNow().ToUnixTimeMilliseconds());

        logger.LogInformation("Requested screening {ScreeningId} for lease {LeaseId}", screeningId, command.LeaseId);
    }
}
