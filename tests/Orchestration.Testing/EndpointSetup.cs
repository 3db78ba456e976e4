using MassTransit;
using Microsoft.AspNetCore.Builder;

namespace Orchestration.Testing;

/// <summary>What an <see cref="InProcessEndpoint"/> is made of: the calls the endpoint's Program.cs makes, and the test's probes.</summary>
public sealed class EndpointSetup
{
    /// <summary>The endpoint's name, as its Program.cs passes it to <c>AddOrchestrationEndpoint</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where it stores its data; a SQLite file of its own when not set. Disposed with the endpoint when
    /// <see cref="OwnsDatabase"/>.</summary>
    public TestDatabase? Database { get; init; }

    public bool OwnsDatabase { get; init; } = true;

    /// <summary>Configuration over the defaults (in-memory transport, the database, warnings only in the log).</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The endpoint's clock; the system's when not set.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>The endpoint's consumers and sagas, and any probe of the test's own.</summary>
    public Action<IBusRegistrationConfigurator> Consumers { get; init; } = _ => { };

    /// <summary>The endpoint's services (and the test's logging or HTTP handlers), added after the platform's.</summary>
    public Action<WebApplicationBuilder> Services { get; init; } = _ => { };

    /// <summary>The endpoint's middleware and routes, as its Program.cs maps them.</summary>
    public Action<WebApplication> Pipeline { get; init; } = _ => { };

    /// <summary>Event types a probe queue subscribes to; what it receives is in <see cref="InProcessEndpoint.Published"/>.</summary>
    public IReadOnlyList<Type> Records { get; init; } = [];
}
