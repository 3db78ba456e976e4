using System.Diagnostics;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>A <c>Stripe-Signature</c> header made by the npm stripe library (tests/peers/stripe-test-header.js).</summary>
public static class StripeTestHeader
{
    public static async Task<string> GenerateAsync(string secret, string payload)
    {
        var peers = Peers();
        if (!Directory.Exists(Path.Combine(peers, "node_modules", "stripe")))
            await RunAsync(peers, "npm", ["install", "--no-audit", "--no-fund"]);
        return await RunAsync(peers, "node", ["stripe-test-header.js", "--secret", secret, "--payload", payload]);
    }

    static string Peers()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "peers");
            if (File.Exists(Path.Combine(candidate, "stripe-test-header.js")))
                return candidate;
        }

        throw new DirectoryNotFoundException("tests/peers/stripe-test-header.js was not found above the test output directory.");
    }

    static async Task<string> RunAsync(string directory, string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await error}");
        return await output;
    }
}
