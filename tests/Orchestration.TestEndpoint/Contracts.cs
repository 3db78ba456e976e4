namespace Orchestration.TestEndpoint.Contracts;

public sealed record StartProbe(Guid ProbeId);
public sealed record IncrementProbe(Guid ProbeId, int Amount);
public sealed record ArmProbeTimeout(Guid ProbeId, int Seconds);
public sealed record DisarmProbeTimeout(Guid ProbeId);
public sealed record ArmProbeTimeoutThenFail(Guid ProbeId, int Seconds);
public sealed record ProbeTimeoutExpired(Guid ProbeId);
public sealed record ProbeIncremented(Guid ProbeId, int Count);
public sealed record ProbeTimedOut(Guid ProbeId, int Count);

public sealed record RecordEffect(Guid EffectId, bool CrashAfterCommit);
public sealed record EffectRecorded(Guid EffectId);

public sealed record AlwaysFail(Guid Id, bool Unrecoverable);

public sealed class ProbeRuleViolation(string message) : Exception(message);

/// <param name="DeadlineAt">When set, the chain schedules a timeout for that moment.</param>
/// <param name="Journal">When set, the saga writes a row for every message it handles, so a repeat is visible.</param>
public sealed record StartChain(Guid ChainId, int Steps, DateTimeOffset? DeadlineAt = null, bool Journal = false);
public sealed record ChainDeadlinePassed(Guid ChainId);
public sealed record DoChainStep(Guid ChainId, int Step, DateTimeOffset RequestedAt);
public sealed record ChainStepDone(Guid ChainId, int Step, DateTimeOffset RequestedAt);
public sealed record ChainCompleted(Guid ChainId, int Steps);

public sealed record PublishLate(Guid EffectId);
