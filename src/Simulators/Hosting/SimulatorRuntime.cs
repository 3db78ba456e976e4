namespace Orchestration.Simulators.Hosting;

/// <summary>What every simulator shares with the process hosting it: the clock and the log.</summary>
internal sealed record SimulatorRuntime(TimeProvider TimeProvider, ILoggerFactory? LoggerFactory);
