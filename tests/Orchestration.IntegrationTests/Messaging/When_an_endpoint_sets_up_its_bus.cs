namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_an_endpoint_sets_up_its_bus
{
    [Theory]
    [InlineData("InMemory")]
    [InlineData("RabbitMq")]
    public void Should_not_report_usage_to_the_vendor(string transport)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = transport,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = "Data Source=:memory:",
        }).Build();
        var services = new ServiceCollection().AddLogging();

        services.AddOrchestrationEndpoint(configuration, "usage", _ => { });

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled.ShouldBeFalse();
    }
}
