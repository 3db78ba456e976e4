using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Orchestration.Platform.Recoverability;

/// <summary>
/// The exception types after which no retry can help: a message that fails with one (or with an exception wrapping
/// one, or a subclass) goes to the error queue after one attempt. Each endpoint declares its own in code with
/// <see cref="UnrecoverableRegistration.AddUnrecoverable{TException}"/>; <c>Recoverability:Unrecoverable</c> lets an
/// operator add more without a release.
/// </summary>
public sealed class UnrecoverableExceptions : IReadOnlyCollection<Type>
{
    // Failures of the message itself rather than of the moment, whatever the endpoint.
    readonly HashSet<Type> _types = [typeof(ValidationException), typeof(JsonException), typeof(NotSupportedException)];

    public int Count => _types.Count;

    public void Add<TException>()
        where TException : Exception => _types.Add(typeof(TException));

    /// <summary>Adds types by full name, as configuration names them; a name that is no loaded exception type stops the start.</summary>
    public void Add(IEnumerable<string> fullNames)
    {
        foreach (var name in fullNames)
        {
            var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null)
                ?? Type.GetType(name)
                ?? throw new ArgumentException($"Recoverability:Unrecoverable names '{name}', which is not a loaded exception type.");
            if (!typeof(Exception).IsAssignableFrom(type))
                throw new ArgumentException($"Recoverability:Unrecoverable names '{name}', which is not an exception type.");
            _types.Add(type);
        }
    }

    public bool Matches(Exception exception) => Recoverability.IsUnrecoverable(exception, this);

    /// <summary>What a registration such as <c>services.AddLeasingServices(configuration)</c> declares, asked without a host.</summary>
    public static UnrecoverableExceptions DeclaredBy(Func<IServiceCollection, IServiceCollection> declare)
    {
        using var provider = declare(new ServiceCollection()).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<UnrecoverableExceptions>>().Value;
    }

    public IEnumerator<Type> GetEnumerator() => _types.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

public static class UnrecoverableRegistration
{
    /// <summary>
    /// Declares <typeparamref name="TException"/> unrecoverable on every receive endpoint of the host. An endpoint's
    /// <c>Add…Services</c> declares its own, so a host that embeds several endpoints (Standalone) gets all of them.
    /// </summary>
    public static IServiceCollection AddUnrecoverable<TException>(this IServiceCollection services)
        where TException : Exception =>
        services.Configure<UnrecoverableExceptions>(unrecoverable => unrecoverable.Add<TException>());
}
