using System.Diagnostics;

namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>mosquitto_pub and mosquitto_sub, real MQTT clients, as a device would use them.</summary>
public static class Mosquitto
{
    /// <summary>Publishes one message with QoS 1; the exit code (0 when the broker took it).</summary>
    public static async Task<int> PublishAsync(int port, string topic, string payload, string? username = null, string? password = null)
    {
        using var process = Start("mosquitto_pub", port, username, password, "-t", topic, "-m", payload);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>
    /// Subscribes with QoS 1 as the device (client id = its user name, as the broker's permissions expect) and returns once
    /// the subscription exists; <see cref="Subscription.MessagesAsync"/> gives the first <paramref name="count"/> payloads.
    /// </summary>
    public static async Task<Subscription> SubscribeAsync(int port, string topic, string username, string password, int count)
    {
        var process = Start("mosquitto_sub", port, username, password, "-i", username, "-t", topic, "-C", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-W", "30");
        using var http = TestServers.RabbitManagementClient();
        await Eventually.HoldsAsync(async () => (await http.GetAsync($"api/queues/%2F/mqtt-subscription-{username}qos1")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(15), $"mosquitto_sub subscribed to {topic}");
        return new Subscription(process);
    }

    static Process Start(string program, int port, string? username, string? password, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1"])
            start.ArgumentList.Add(argument);
        if (username is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(username);
            start.ArgumentList.Add("-P");
            start.ArgumentList.Add(password ?? "");
        }

        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
    }

    public sealed class Subscription(Process process) : IDisposable
    {
        public async Task<IReadOnlyList<string>> MessagesAsync()
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill();
            process.Dispose();
        }
    }
}
