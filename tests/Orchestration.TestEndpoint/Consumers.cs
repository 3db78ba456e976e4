using MassTransit;
using Orchestration.Platform.Storage;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.TestEndpoint;

/// <summary>Writes one effect row and announces it, in the handler's transaction.</summary>
public sealed class RecordEffectConsumer(SqlSession session) : IConsumer<RecordEffect>
{
    public async Task Consume(ConsumeContext<RecordEffect> context)
    {
        await using (var command = session.CreateCommand($"INSERT INTO {session.Storage.Table("effects")} (effect_id, kind) VALUES (@id, 'recorded')"))
            await command.With("@id", context.Message.EffectId).ExecuteNonQueryAsync(context.CancellationToken);

        await context.Publish(new EffectRecorded(context.Message.EffectId));

        // The process dies after the database commit and before the outgoing message reaches the broker.
        if (context.Message.CrashAfterCommit)
            session.Committed += () => Environment.FailFast("Crash requested after commit");
    }
}

/// <summary>Applies an announced effect; a duplicate delivery would show as a second row.</summary>
public sealed class EffectRecordedConsumer(SqlSession session) : IConsumer<EffectRecorded>
{
    public async Task Consume(ConsumeContext<EffectRecorded> context)
    {
        await using var command = session.CreateCommand($"INSERT INTO {session.Storage.Table("effects")} (effect_id, kind) VALUES (@id, 'applied')");
        await command.With("@id", context.Message.EffectId).ExecuteNonQueryAsync(context.CancellationToken);
    }
}

/// <summary>Counts every attempt outside the handler's transaction (which always rolls back), then fails.</summary>
public sealed class AlwaysFailConsumer(SqlStorage storage) : IConsumer<AlwaysFail>
{
    public async Task Consume(ConsumeContext<AlwaysFail> context)
    {
        await using (var connection = await storage.OpenConnectionAsync(context.CancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"INSERT INTO {storage.Table("effects")} (effect_id, kind) VALUES (@id, 'attempt')";
            await command.With("@id", context.Message.Id).ExecuteNonQueryAsync(context.CancellationToken);
        }

        if (context.Message.Unrecoverable)
            throw new ProbeRuleViolation($"Probe {context.Message.Id} breaks a business rule");
        throw new InvalidOperationException($"Probe {context.Message.Id} always fails");
    }
}

/// <summary>The work of one chain step: one row written, one event back, in one transaction.</summary>
public sealed class DoChainStepConsumer(SqlSession session) : IConsumer<DoChainStep>
{
    public async Task Consume(ConsumeContext<DoChainStep> context)
    {
        // Nothing reads the row back in this transaction: it goes to the server with the commit.
        session.Defer($"INSERT INTO {session.Storage.Table("effects")} (effect_id, kind) VALUES (@id, @kind)")
            .With("@id", context.Message.ChainId).With("@kind", $"step-{context.Message.Step}");

        await context.Publish(new ChainStepDone(context.Message.ChainId, context.Message.Step, context.Message.RequestedAt));
    }
}

/// <summary>
/// Starts a publish it does not await, then fails for good: the late publish belongs to a rolled-back transaction.
/// Whether the platform refused it is recorded outside that transaction.
/// </summary>
public sealed class LatePublishConsumer(SqlStorage storage) : IConsumer<PublishLate>
{
    public Task Consume(ConsumeContext<PublishLate> context)
    {
        var id = context.Message.EffectId;
        _ = Task.Run(async () =>
        {
            await Task.Delay(500);
            var kind = "late-publish-sent";
            try
            {
                await context.Publish(new EffectRecorded(id));
            }
            catch (InvalidOperationException)
            {
                kind = "late-publish-refused";
            }

            await using var connection = await storage.OpenConnectionAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO {storage.Table("effects")} (effect_id, kind) VALUES (@id, @kind)";
            await command.With("@id", id).With("@kind", kind).ExecuteNonQueryAsync();
        });

        throw new ProbeRuleViolation($"Probe {id} fails after starting a publish it does not wait for");
    }
}
