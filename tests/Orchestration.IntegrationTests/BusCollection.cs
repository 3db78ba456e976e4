namespace Orchestration.IntegrationTests;

[CollectionDefinition(Name)]
public sealed class BusCollection
{
    // Endpoint processes are heavy on a two-core machine: bus tests run one class at a time.
    public const string Name = "real RabbitMQ and PostgreSQL";
}
