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

    /// <summary>
    /// Delays of the delayed retries, comma-separated (<c>00:00:10, 00:00:20, 00:00:30</c>); each is one more attempt.
    /// Empty disables delayed retries. (A string, because configuration binding appends to a list's defaults.)
    /// </summary>
    public string DelayedRetries { get; set; } = "00:00:10, 00:00:20, 00:00:30";

    public TimeSpan[] DelayedRetryIntervals() => DelayedRetries
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(value => TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var delay) && delay > TimeSpan.Zero
            ? delay
            : throw new ArgumentException($"Recoverability:DelayedRetries has '{value}', which is not a positive time span (hh:mm:ss)."))
        .ToArray();

    /// <summary>
    /// Exception types (full names) that no retry can fix, in addition to those the endpoints declare in code
    /// (<see cref="UnrecoverableRegistration.AddUnrecoverable{TException}"/>): an operator's way to stop retrying a
    /// failure without a release. Subclasses match too.
    /// </summary>
    public List<string> Unrecoverable { get; set; } = [];
}
