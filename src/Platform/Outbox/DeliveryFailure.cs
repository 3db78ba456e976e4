using System.Data.Common;

namespace Orchestration.Platform.Outbox;

/// <summary>A stored row that could not be sent, kept aside for an operator: where it waits, its key, and why.</summary>
/// <param name="Source"><c>bus-outbox</c> (a transaction of <see cref="BusOutbox"/>), <c>inbox</c> (the output of a consumed
/// message) or <c>scheduler</c> (a due scheduled message).</param>
public sealed record ParkedDelivery(string Source, Guid Id, Guid? ConsumerId, int Attempts, string? LastError, DateTimeOffset ParkedAt);

/// <summary>
/// One failed attempt to send a stored row (a bus-outbox transaction, a crash-left inbox output, a due scheduled
/// message). The row steps aside until <see cref="NextAttemptAt"/> so the rows behind it go on, and after
/// <c>MaxAttempts</c> counted failures it is parked: kept with its error, never tried again until an operator unparks it.
/// </summary>
public sealed record DeliveryFailure(bool Counted, string Error, long Now, long NextAttemptAt, int MaxAttempts)
{
    const int MaxErrorLength = 2000;

    static readonly TimeSpan LongestDelay = TimeSpan.FromMinutes(5);

    /// <summary>The assignments that record a failure; they read the row's attempts before this one.</summary>
    internal const string Set = """
        attempts = attempts + @counted, last_error = @last_error, next_attempt_at = @next_attempt_at,
        parked_at = CASE WHEN @counted = 1 AND attempts + 1 >= @max_attempts THEN @now ELSE parked_at END
        """;

    /// <summary>
    /// A failure of the row itself (an address the bus cannot reach, a body the broker refuses, a row that cannot be read)
    /// counts. A broker that cannot be reached at all is nobody's row's fault: the row waits its turn again but the
    /// attempt is not counted, so an outage never parks anything. Database failures never get here: they abort the
    /// pass before anything is recorded.
    /// </summary>
    public static DeliveryFailure Of(Exception exception, int attemptsBefore, DateTimeOffset now, TimeSpan retryDelay, int maxAttempts,
        CancellationToken stoppingToken)
    {
        var counted = !IsBrokerUnavailable(exception, stoppingToken);
        var attempts = attemptsBefore + (counted ? 1 : 0);
        var delay = TimeSpan.FromTicks(Math.Min(LongestDelay.Ticks, retryDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
        var error = $"{exception.GetType().FullName}: {exception.Message}";
        return new DeliveryFailure(counted, error.Length > MaxErrorLength ? error[..MaxErrorLength] : error, now.ToUnixTimeMilliseconds(),
            (now + delay).ToUnixTimeMilliseconds(), maxAttempts);
    }

    /// <summary>Whether the failure belongs to the row; false for the database (retried as a whole) and for a stop.</summary>
    public static bool IsRowFailure(Exception exception, CancellationToken stoppingToken) =>
        !stoppingToken.IsCancellationRequested && !IsDatabaseFailure(exception);

    public static bool IsDatabaseFailure(Exception exception) =>
        exception is DbException || (exception.InnerException is { } inner && IsDatabaseFailure(inner));

    /// <summary>
    /// True when the broker did not answer at all: the delivery timed out, or the bus has no connection. Such a failure
    /// also stops the pass: the next rows would only wait for the same broker.
    /// </summary>
    public static bool IsBrokerUnavailable(Exception exception, CancellationToken stoppingToken) => exception switch
    {
        OperationCanceledException => !stoppingToken.IsCancellationRequested,
        MassTransit.ConnectionException or RabbitMQ.Client.Exceptions.BrokerUnreachableException => true,
        _ => exception.InnerException is { } inner && IsBrokerUnavailable(inner, stoppingToken),
    };

    internal DbCommand AddParameters(DbCommand command) => command
        .With("@counted", Counted ? 1 : 0)
        .With("@last_error", Error)
        .With("@next_attempt_at", NextAttemptAt)
        .With("@max_attempts", MaxAttempts)
        .With("@now", Now);

    /// <summary>Reads the row's attempts and parked time after <see cref="Set"/> (<c>RETURNING attempts, parked_at</c>).</summary>
    internal static async Task<(int Attempts, bool Parked)> ReadOutcomeAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), !reader.IsDBNull(1)) : (0, false);
    }
}
