namespace Orchestration.Simulators.Tests.Infrastructure;

internal sealed record NodeResult(int ExitCode, string StandardOutput, string StandardError);
