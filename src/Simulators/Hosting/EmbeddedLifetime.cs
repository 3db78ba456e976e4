namespace Orchestration.Simulators.Hosting;

/// <summary>
/// The process hosting the simulators (the simulators executable or the Standalone endpoint) owns Ctrl+C and
/// SIGTERM; a console lifetime per simulator would race it for the same signals.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
