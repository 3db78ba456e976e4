namespace Orchestration.Testing;

/// <summary>The ids of one made-up lease; each test project's <c>Leases</c> adds the commands its endpoint receives.</summary>
public abstract class TestLease
{
    public Guid LeaseId { get; } = Guid.NewGuid();
    public Guid PropertyId { get; } = Guid.NewGuid();
    public Guid UnitId { get; } = Guid.NewGuid();
    public Guid ApplicantId { get; } = Guid.NewGuid();
}
