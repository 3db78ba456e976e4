using Orchestration.Platform.Recoverability;
using RabbitMQ.Client;

namespace Orchestration.Operations.Tests;

/// <summary>Operations as a real process on RabbitMQ and PostgreSQL, killed with SIGKILL while it drains an error queue.</summary>
public sealed class When_operations_is_killed_while_error_queues_hold_messages : IAsyncLifetime
{
    const int Messages = 1000;
    const string ErrorQueue = "tests-killed-ingestion_error";

    readonly string _schema = TestServers.NewSchema("opskill");
    string _vhost = "";

    public async Task InitializeAsync() => _vhost = await TestServers.CreateVirtualHostAsync("opskill");

    public async Task DisposeAsync()
    {
        await TestServers.DeleteVirtualHostAsync(_vhost);
        await TestServers.DropSchemaAsync(_schema);
    }

    /// <summary>What the recoverability policy puts in an error queue when it gives up on a message.</summary>
    async Task FillErrorQueueAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(_vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(ErrorQueue, durable: true, exclusive: false, autoDelete: false);
        var failedAt = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Messages; i++)
        {
            var messageId = Guid.NewGuid();
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                messageId, messageType = new[] { "urn:message:Tests:ChargeTestRent" }, message = new { chargeId = Guid.NewGuid(), tenant = "tenant" },
            });
            await channel.BasicPublishAsync("", ErrorQueue, false, new BasicProperties
            {
                MessageId = messageId.ToString(), ContentType = "application/vnd.masstransit+json", Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    [FaultHeaders.ExceptionType] = "Tests.PaymentGatewayDown",
                    [FaultHeaders.Message] = $"The payment gateway refused message {i}",
                    [FaultHeaders.StackTrace] = "   at Tests.ChargeTestRentConsumer.Consume(ConsumeContext`1 context) in /src/Consumers.cs:line 42",
                    [FaultHeaders.InputAddress] = $"rabbitmq://127.0.0.1/{_vhost}/tests-killed-ingestion",
                    [FaultHeaders.Timestamp] = failedAt,
                    [FaultHeaders.MessageType] = "urn:message:Tests:ChargeTestRent",
                    [FaultHeaders.MachineName] = "billing-1",
                },
            }, body);
        }

        await Eventually.HoldsAsync(async () => await ReadyInErrorQueueAsync() == Messages, TimeSpan.FromSeconds(10), "the error queue holds them all");
    }

    async Task<long> CountAsync(string sql) =>
        await TestServers.ScalarAsync(_schema, sql) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    [Fact]
    public async Task Should_have_stored_every_message_once_after_a_restart()
    {
        await FillErrorQueueAsync();
        var settings = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["Storage__ConnectionString"] = TestServers.PostgresConnectionString,
            ["Storage__Schema"] = _schema,
            ["Operations__Ingestion__PollInterval"] = "00:00:00.200",
            ["Operations__Ingestion__ManagementUrl"] = TestServers.RabbitManagement,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in TestServers.RabbitMqSettings(_vhost))
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        await using var operations = new EndpointProcess(Path.Combine(AppContext.BaseDirectory, "Orchestration.Endpoints.Operations.dll"), settings);

        await operations.StartAsync();
        long storedAtKill = 0;
        await Eventually.HoldsAsync(async () => (storedAtKill = await TableCountAsync()) > 0, TimeSpan.FromSeconds(20), "Operations began storing");
        await operations.KillAsync();
        storedAtKill = await TableCountAsync();

        await operations.StartAsync();
        await Eventually.HoldsAsync(async () => await TableCountAsync() >= Messages, TimeSpan.FromSeconds(30),
            $"all {Messages} stored (stored {storedAtKill} before the kill)");
        await Eventually.HoldsAsync(async () => await ReadyInErrorQueueAsync() == 0, TimeSpan.FromSeconds(10), "the error queue is empty");
        (await CountAsync("SELECT COUNT(*) FROM {schema}.failed_messages")).ShouldBe(Messages);
        (await CountAsync("SELECT SUM(times_failed) FROM {schema}.failed_messages")).ShouldBe(Messages, "no failure counted twice");
        (await CountAsync("SELECT COUNT(*) FROM {schema}.failed_message_attempts")).ShouldBe(Messages);
    }

    async Task<uint> ReadyInErrorQueueAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(_vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(ErrorQueue)).MessageCount;
    }

    async Task<long> TableCountAsync()
    {
        var exists = await CountAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + _schema + "' AND table_name = 'failed_messages'");
        return exists == 0 ? 0 : await CountAsync("SELECT COUNT(*) FROM {schema}.failed_messages");
    }
}
