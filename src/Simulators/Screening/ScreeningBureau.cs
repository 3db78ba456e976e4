namespace Orchestration.Simulators.Screening;

internal sealed record NewScreening(string ApplicantName, string ApplicantEmail, string? Reference, Uri? CallbackUrl);

/// <summary>
/// Takes screening requests, answers at once that they are pending, and decides each one
/// <see cref="ScreeningSimulatorOptions.DecisionDelay"/> later (see <see cref="ScreeningDecisions"/>), announcing the
/// decision with a <c>screening.completed</c> webhook.
/// </summary>
internal sealed class ScreeningBureau(
    ScreeningSimulatorOptions options,
    ProviderWebhooks webhooks,
    BackgroundWork backgroundWork,
    TimeProvider timeProvider,
    ILogger<ScreeningBureau> logger)
{
    readonly Lock gate = new();
    readonly Dictionary<string, ScreeningCase> cases = new(StringComparer.Ordinal);

    public RecordedResponse Request(NewScreening request)
    {
        var screening = new ScreeningCase(ResourceId.New("scr"), request.ApplicantName, request.ApplicantEmail, timeProvider.GetUtcNow())
        {
            Reference = request.Reference,
            CallbackUrl = request.CallbackUrl,
        };
        ScreeningResource pending;
        lock (gate)
        {
            cases.Add(screening.Id, screening);
            pending = screening.ToResource();
        }

        logger.LogInformation("Screening {ScreeningId} requested", screening.Id);
        backgroundWork.RunAfter(options.DecisionDelay, () => Decide(screening.Id, overrideDecision: null));
        return RecordedResponse.Json(StatusCodes.Status202Accepted, pending, SimulatorJson.CamelCase);
    }

    public RecordedResponse Retrieve(string id)
    {
        lock (gate)
        {
            return cases.TryGetValue(id, out var screening)
                ? RecordedResponse.Json(StatusCodes.Status200OK, screening.ToResource(), SimulatorJson.CamelCase)
                : ProviderError.NotFound("screening", id).ToResponse(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>Decides now (once: a screening already decided stays as it is).</summary>
    /// <param name="overrideDecision">A decision forced by a test instead of the table's.</param>
    public RecordedResponse Decide(string id, ScreeningDecision? overrideDecision)
    {
        ScreeningResource completed;
        Uri? callbackUrl;
        lock (gate)
        {
            if (!cases.TryGetValue(id, out var screening))
                return ProviderError.NotFound("screening", id).ToResponse(StatusCodes.Status404NotFound);
            if (screening.Decision is not null)
                return new ProviderError("invalid_state", $"Screening {id} is already decided.").ToResponse(StatusCodes.Status409Conflict);

            screening.Decision = overrideDecision ?? ScreeningDecisions.For(screening.ApplicantEmail);
            screening.CompletedAt = timeProvider.GetUtcNow();
            completed = screening.ToResource();
            callbackUrl = screening.CallbackUrl;
        }

        logger.LogInformation("Screening {ScreeningId} completed: {Decision}", id, completed.Decision);
        webhooks.Publish("screening.completed", "screening", completed, callbackUrl);
        return RecordedResponse.Json(StatusCodes.Status200OK, completed, SimulatorJson.CamelCase);
    }
}
