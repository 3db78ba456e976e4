namespace Orchestration.EndToEnd.Tests;

/// <summary>scripts/run-distributed.sh itself: its syntax, its help, its arguments.</summary>
public sealed class When_run_distributed_is_started
{
    [Fact]
    public async Task Should_be_valid_bash()
    {
        var (exitCode, output) = await BashAsync("-n", Repository.Script("run-distributed.sh"));

        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task Should_describe_its_options_with_help()
    {
        var (exitCode, output) = await BashAsync(Repository.Script("run-distributed.sh"), "--help");

        exitCode.ShouldBe(0, output);
        output.ShouldStartWith("Runs the platform in distributed mode");
        foreach (var option in new[]
                 {
                     "--no-build", "PGHOST", "RABBITMQ_HOST", "RABBITMQ_VHOST", "ORCHESTRATION_ADMIN_EMAIL", "ORCHESTRATION_ADMIN_PASSWORD",
                     "ORCHESTRATION_RUN_DIR", "ORCHESTRATION_<NAME>_PORT", "ORCHESTRATION_SCALE", "MAILDEV", "http://127.0.0.1:5080",
                 })
            output.ShouldContain(option);
        output.ShouldNotContain("set -euo");
    }

    [Fact]
    public async Task Should_refuse_an_unknown_argument_with_its_usage()
    {
        var (exitCode, output) = await BashAsync(Repository.Script("run-distributed.sh"), "--bogus");

        exitCode.ShouldBe(2);
        output.ShouldContain("unknown argument: --bogus");
        output.ShouldContain("Usage: scripts/run-distributed.sh [--no-build] [--help]");
    }

    [Theory]
    [InlineData("ORCHESTRATION_ADMIN_PASSWORD", "too-short", "ORCHESTRATION_ADMIN_PASSWORD needs at least 12 characters")]
    [InlineData("ORCHESTRATION_GATEWAY_PORT", "80800", "ORCHESTRATION_GATEWAY_PORT='80800' is not a port")]
    [InlineData("ORCHESTRATION_SCALE", "ledger=2", "ORCHESTRATION_SCALE: unknown endpoint 'ledger'")]
    [InlineData("MAILDEV", "localhost", "MAILDEV='localhost' is not host:port")]
    public async Task Should_refuse_a_setting_it_cannot_use_before_starting_anything(string variable, string value, string complaint)
    {
        var runDirectory = Directory.CreateTempSubdirectory("orchestration-e2e-").FullName;
        try
        {
            var (exitCode, output) = await BashAsync(
                new Dictionary<string, string> { [variable] = value, ["ORCHESTRATION_RUN_DIR"] = runDirectory },
                Repository.Script("run-distributed.sh"), "--no-build");

            exitCode.ShouldBe(1, output);
            output.ShouldContain($"ERROR: {complaint}");
            output.ShouldNotContain("PostgreSQL", customMessage: "it reached the servers");
            Directory.EnumerateFileSystemEntries(runDirectory).ShouldBeEmpty("it wrote nothing");
        }
        finally
        {
            Directory.Delete(runDirectory, recursive: true);
        }
    }

    static Task<(int ExitCode, string Output)> BashAsync(params string[] arguments) => BashAsync(new Dictionary<string, string>(), arguments);

    static async Task<(int ExitCode, string Output)> BashAsync(IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var inherited in new[] { "ORCHESTRATION_ADMIN_PASSWORD", "ORCHESTRATION_SCALE", "MAILDEV" })
            start.Environment.Remove(inherited);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (bash.ExitCode, await stdout + await stderr);
    }
}
