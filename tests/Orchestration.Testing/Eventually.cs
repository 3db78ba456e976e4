namespace Orchestration.Testing;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the description after the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or HttpRequestException or IOException
                                                  or TaskCanceledException { InnerException: TimeoutException })
            {
                // A server the test itself is restarting, or one too busy to answer within the client's timeout: look again.
            }

            await Task.Delay(100);
        }

        (await condition()).ShouldBeTrue($"Not true within {timeout.TotalSeconds} s: {description}");
    }
}
