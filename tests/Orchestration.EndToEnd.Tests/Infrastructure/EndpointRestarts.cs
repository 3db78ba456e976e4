using System.Text.RegularExpressions;

namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Kills an endpoint process of a run with SIGKILL and starts it again as the script started it: the same program, folder
/// and environment, read from /proc before the kill. The processes started here are not the script's, so they are
/// stopped here too.
/// </summary>
public sealed partial class EndpointRestarts : IAsyncDisposable
{
    readonly List<Process> _started = [];

    /// <summary>The process that listens on the port, as the kernel reports it.</summary>
    public static int ProcessListeningOn(int port)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-ltnpH", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var match = ListeningPid().Match(output);
        match.Success.ShouldBeTrue($"a process listens on port {port}: {output}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL to the process on the port; returns how to start it again.</summary>
    public static async Task<ProcessStartInfo> KillAsync(int port)
    {
        var pid = ProcessListeningOn(port);
        var arguments = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(arguments[0])
        {
            WorkingDirectory = new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(returnFinalTarget: true)!.FullName,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var variable in environment)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                start.Environment[variable[..equals]] = variable[(equals + 1)..];
        }

        using (var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DistributedRun.Listening(port) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        return start;
    }

    /// <summary>Starts the program again; it is stopped when this is disposed.</summary>
    public Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _started.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex ListeningPid();
}
