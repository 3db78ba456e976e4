namespace Orchestration.Platform.Recoverability;

/// <summary>
/// What happens when a handler fails: immediate retries, then delayed retries through the scheduler, then the
/// endpoint's error queue (<c>&lt;queue&gt;_error</c>) with the fault headers operators work from.
/// </summary>
public sealed class RecoverabilityOptions
{
    public const string Section = "Recoverability";

    /// <summary>Retries right after a failure, on the first delivery.</summary>
    public int ImmediateRetries { get; set; } = 5;

    /// <summary>Delays of the delayed retries; each is one more attempt. Empty disables delayed retries.</summary>
    public List<TimeSpan> DelayedRetries { get; set; } = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)];

    /// <summary>
    /// Exception types (full names) that no retry can fix; such a message goes to the error queue after one attempt.
    /// Subclasses match too.
    /// </summary>
    public List<string> Unrecoverable { get; set; } = [];
}
