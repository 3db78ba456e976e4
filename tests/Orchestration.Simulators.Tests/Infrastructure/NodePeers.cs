namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>
/// Runs the scripts in <c>tests/peers</c> with Node, against the real npm libraries installed there
/// (<c>npm install</c> first when they are missing, as <c>scripts/test.sh</c> would have done).
/// </summary>
internal static class NodePeers
{
    static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "tests", "peers");

    public static async Task<NodeResult> RunAsync(string script, string? standardInput, params string[] arguments)
    {
        await EnsureInstalledAsync();
        return await RunProcessAsync("node", [Path.Combine(Directory, script), .. arguments], standardInput, TimeSpan.FromSeconds(30));
    }

    static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Directory, "node_modules", "stripe", "package.json")))
                return;
            var install = await RunProcessAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], null, TimeSpan.FromMinutes(3));
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"npm install in {Directory} failed: {install.StandardError}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    static async Task<NodeResult> RunProcessAsync(string fileName, IEnumerable<string> arguments, string? standardInput, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
            await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return new NodeResult(process.ExitCode, await output, await error);
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestration.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"Orchestration.sln not found above {AppContext.BaseDirectory}");
    }
}
