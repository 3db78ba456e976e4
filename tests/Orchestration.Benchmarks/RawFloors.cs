using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestration.Benchmarks;

/// <summary>What the machine does without the platform: one figure per server, at the platform's concurrency.</summary>
public sealed record FloorResult(string Name, string Shape, int Concurrency, double Seconds, long Operations, double OperationsPerSecond, LatencySummary Latency,
    FloorCpu CpuMsPerOperation);

/// <summary>CPU milliseconds per operation: the benchmark's own client, the two servers, and how busy the machine was.</summary>
public sealed record FloorCpu(double Client, double Postgres, double RabbitMq, double MachineBusyPercent, double OtherPercent);

/// <summary>
/// Runs <c>lanes</c> closed loops for a warm-up second and then for the measured duration; each lane starts its next
/// operation when the previous one finished. Bounded in time; a lane stops at the first failure.
/// </summary>
static class ClosedLoop
{
    public static async Task<(long Operations, double Seconds, List<double> Latencies, FloorCpu Cpu)> RunAsync(int lanes, TimeSpan duration,
        Func<int, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(1);
        var end = warmup + duration;
        var perLane = new List<double>[lanes];

        async Task Lane(int lane)
        {
            var latencies = perLane[lane] = new List<double>(4096);
            while (clock.Elapsed < end)
            {
                var started = clock.Elapsed;
                await operation(lane, cancellationToken);
                if (started >= warmup)
                    latencies.Add((clock.Elapsed - started).TotalMilliseconds);
            }
        }

        var all = Task.WhenAll(Enumerable.Range(0, lanes).Select(Lane));
        await Task.Delay(warmup, cancellationToken);
        var before = Snapshot();
        await all.WaitAsync(end + TimeSpan.FromSeconds(30), cancellationToken);
        var after = Snapshot();
        var seconds = (clock.Elapsed - warmup).TotalSeconds;
        var merged = perLane.SelectMany(l => l).ToList();
        double PerOperation(double used) => merged.Count == 0 ? double.NaN : Math.Round(used / merged.Count, 3);
        var total = after.Total - before.Total;
        var busy = after.Busy - before.Busy;
        var known = after.Client + after.Postgres + after.RabbitMq - before.Client - before.Postgres - before.RabbitMq;
        var cpu = new FloorCpu(PerOperation(after.Client - before.Client), PerOperation(after.Postgres - before.Postgres),
            PerOperation(after.RabbitMq - before.RabbitMq), Math.Round(100 * busy / total, 1), Math.Round(100 * Math.Max(0, busy - known) / total, 1));
        return (merged.Count, seconds, merged, cpu);
    }

    static (double Client, double Postgres, double RabbitMq, double Busy, double Total) Snapshot()
    {
        var (busy, total) = ProcessStats.MachineCpuMilliseconds();
        return (ProcessStats.CpuMilliseconds(Environment.ProcessId), ProcessStats.CpuMillisecondsOf("postgres"), ProcessStats.CpuMillisecondsOf("beam.smp"),
            busy, total);
    }
}

/// <summary>
/// Plain RabbitMQ.Client: a durable queue, persistent ~1 KB messages (the size of a MassTransit envelope), publisher
/// confirms, a consumer with manual ack and the prefetch set to the concurrency. One operation is a round trip:
/// publish and wait for the confirm, then wait until the consumer has received and acknowledged that message.
/// </summary>
public sealed class RabbitFloor(Servers servers)
{
    const string Queue = "raw-floor";

    public async Task<FloorResult> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var factory = servers.RabbitFactory(consumerDispatchConcurrency: concurrency);
        await using var connection = await factory.CreateConnectionAsync("raw-floor", cancellationToken);
        await using var consumer = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await consumer.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await consumer.BasicQosAsync(0, (ushort)concurrency, false, cancellationToken);

        var received = new TaskCompletionSource[concurrency];
        var handler = new AsyncEventingBasicConsumer(consumer);
        handler.ReceivedAsync += async (_, delivery) =>
        {
            var lane = BitConverter.ToInt32(delivery.Body.Span[..4]);
            await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            received[lane].TrySetResult();
        };
        await consumer.BasicConsumeAsync(Queue, autoAck: false, handler, cancellationToken);

        // One confirming channel per lane, as each MassTransit send waits for its own confirm.
        var publishers = new IChannel[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            publishers[i] = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        }

        try
        {
            var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
            var (operations, seconds, latencies, cpu) = await ClosedLoop.RunAsync(concurrency, duration, async (lane, ct) =>
            {
                var body = new byte[1024];
                BitConverter.TryWriteBytes(body, lane);
                received[lane] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await publishers[lane].BasicPublishAsync("", Queue, mandatory: true, properties, body, ct);
                await received[lane].Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }, cancellationToken);

            return new FloorResult("RabbitMQ raw", "publish (persistent, confirmed) + consume (manual ack), 1 KB", concurrency, Math.Round(seconds, 2),
                operations, Math.Round(operations / seconds, 1), LatencySummary.Of(latencies), cpu);
        }
        finally
        {
            foreach (var publisher in publishers)
                await publisher.DisposeAsync();
        }
    }
}

/// <summary>
/// Plain Npgsql, the SQL of one saga step: in one transaction lock the saga row (SELECT ... FOR UPDATE), update it
/// (JSON data, version), insert one outbox row (~1 KB body and headers), commit. Each lane owns one saga row and takes
/// a pooled connection per transaction, as a handler does, with the endpoints' connection options.
/// </summary>
public sealed class PostgresFloor(Servers servers, string connectionOptions)
{
    public async Task<FloorResult> RunAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var schema = servers.Schema("floor");
        await servers.ExecuteAsync($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".saga (correlation_id uuid PRIMARY KEY, current_state text NULL, data jsonb NOT NULL, version integer NOT NULL,
                created_at bigint NOT NULL, updated_at bigint NOT NULL);
            CREATE TABLE "{schema}".outbox_message (sequence_number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, message_id uuid NOT NULL,
                destination_address text NOT NULL, headers text NULL, body text NOT NULL, sent_time bigint NOT NULL);
            """, cancellationToken);

        // The endpoints' connection options (SSL, statement preparation) apply to the floor too, so the two compare.
        await using var dataSource = NpgsqlDataSource.Create(servers.PostgresConnectionString(connectionOptions, Math.Max(100, concurrency + 10)));
        var ids = Enumerable.Range(0, concurrency).Select(_ => Guid.NewGuid()).ToArray();
        var data = SagaData();
        await using (var insert = dataSource.CreateCommand(
                         $"INSERT INTO \"{schema}\".saga SELECT id, 'Running', CAST(@data AS jsonb), 1, 0, 0 FROM unnest(@ids) AS id"))
        {
            insert.Parameters.AddWithValue("data", NpgsqlDbType.Text, data);
            insert.Parameters.AddWithValue("ids", ids);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var lockRow = $"SELECT data, version FROM \"{schema}\".saga WHERE correlation_id = @id FOR UPDATE";
        var update = $"UPDATE \"{schema}\".saga SET data = CAST(@data AS jsonb), version = @version, updated_at = @now WHERE correlation_id = @id";
        var outbox = $"INSERT INTO \"{schema}\".outbox_message (message_id, destination_address, headers, body, sent_time) VALUES (@id, @destination, @headers, @body, @now)";
        var headers = new string('h', 400);
        var body = new string('b', 700);

        var (operations, seconds, latencies, cpu) = await ClosedLoop.RunAsync(concurrency, duration, async (lane, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            int version;
            await using (var select = new NpgsqlCommand(lockRow, connection, transaction))
            {
                select.Parameters.AddWithValue("id", ids[lane]);
                await using var reader = await select.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                version = reader.GetInt32(1);
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using (var write = new NpgsqlCommand(update, connection, transaction))
            {
                write.Parameters.AddWithValue("data", NpgsqlDbType.Text, data);
                write.Parameters.AddWithValue("version", version + 1);
                write.Parameters.AddWithValue("now", now);
                write.Parameters.AddWithValue("id", ids[lane]);
                await write.ExecuteNonQueryAsync(ct);
            }

            await using (var store = new NpgsqlCommand(outbox, connection, transaction))
            {
                store.Parameters.AddWithValue("id", Guid.NewGuid());
                store.Parameters.AddWithValue("destination", "rabbitmq://127.0.0.1/bench/do-chain-step");
                store.Parameters.AddWithValue("headers", headers);
                store.Parameters.AddWithValue("body", body);
                store.Parameters.AddWithValue("now", now);
                await store.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }, cancellationToken);

        return new FloorResult("PostgreSQL raw", "BEGIN; SELECT .. FOR UPDATE; UPDATE saga; INSERT outbox; COMMIT", concurrency, Math.Round(seconds, 2),
            operations, Math.Round(operations / seconds, 1), LatencySummary.Of(latencies), cpu);
    }

    // About the size of a chain saga half-way through its steps.
    static string SagaData()
    {
        var json = new StringBuilder("""{"CorrelationId":"00000000-0000-0000-0000-000000000000","CurrentState":"Running","Steps":40,"Completed":20,""");
        json.Append("""
            "StartedAt":"2026-01-01T00:00:00+00:00","FinishedAt":null,"StepLatenciesMs":[
            """);
        json.AppendJoin(',', Enumerable.Repeat("12.34", 20));
        return json.Append("]}").ToString();
    }
}
