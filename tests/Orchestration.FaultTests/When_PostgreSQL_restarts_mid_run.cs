namespace Orchestration.FaultTests;

public sealed class When_PostgreSQL_restarts_mid_run() : MidRunFault("pgrestart")
{
    [Fact]
    public Task Should_complete_every_saga_with_nothing_lost_or_doubled() =>
        ShouldCompleteExactlyOnceDespiteAsync(ServerControl.RestartPostgresAsync);
}
