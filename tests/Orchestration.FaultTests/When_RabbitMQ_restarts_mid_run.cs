namespace Orchestration.FaultTests;

public sealed class When_RabbitMQ_restarts_mid_run() : MidRunFault("mqrestart")
{
    [Fact]
    public Task Should_complete_every_saga_with_nothing_lost_or_doubled() =>
        ShouldCompleteExactlyOnceDespiteAsync(ServerControl.RestartRabbitMqAsync);
}
