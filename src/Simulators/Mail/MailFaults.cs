namespace Orchestration.Simulators.Mail;

internal sealed record MailFault(int StatusCode, TimeSpan? RetryAfter);

/// <summary>
/// Failures a test asks for ahead of time: the next N sends throttled (429 with <c>Retry-After</c>), or the next N
/// failing with a server error. Throttling comes first when both are armed, as a rate limiter sits in front.
/// </summary>
internal sealed class MailFaults
{
    readonly Lock gate = new();
    int throttled;
    TimeSpan retryAfter;
    int failing;
    int failureStatus;

    public void Throttle(int count, TimeSpan after)
    {
        lock (gate)
        {
            throttled = count;
            retryAfter = after;
        }
    }

    public void Fail(int count, int statusCode)
    {
        lock (gate)
        {
            failing = count;
            failureStatus = statusCode;
        }
    }

    /// <summary>The fault for this request, if one is armed; takes it.</summary>
    public MailFault? Take()
    {
        lock (gate)
        {
            if (throttled > 0)
            {
                throttled--;
                return new MailFault(StatusCodes.Status429TooManyRequests, retryAfter);
            }
            if (failing > 0)
            {
                failing--;
                return new MailFault(failureStatus, null);
            }
            return null;
        }
    }
}
