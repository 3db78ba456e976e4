using MassTransit;

namespace Orchestration.Platform.Hosting;

public static class CommandRouting
{
    static readonly object Gate = new();
    static readonly System.Reflection.MethodInfo MapMethod = typeof(EndpointConvention).GetMethod(nameof(EndpointConvention.Map), [typeof(Uri)])!;

    static readonly System.Reflection.MethodInfo TryGetMethod = typeof(EndpointConvention).GetMethods()
        .Single(m => m is { Name: nameof(EndpointConvention.TryGetDestinationAddress), IsGenericMethodDefinition: true } && m.GetParameters().Length == 1);

    /// <summary>
    /// Lets a saga or consumer <c>Send</c> a command without naming its queue. MassTransit keeps these conventions
    /// process-wide, so each command is mapped once however many endpoints a process hosts.
    /// </summary>
    public static void Map(IReadOnlyDictionary<Type, string> queues)
    {
        lock (Gate)
        {
            foreach (var (command, queue) in queues)
            {
                var address = new Uri($"queue:{queue}");
                var known = TryGetMethod.MakeGenericMethod(command);
                var arguments = new object?[] { null };
                if ((bool)known.Invoke(null, arguments)!)
                {
                    if (!Equals(arguments[0], address))
                        throw new InvalidOperationException($"{command.Name} is already routed to {arguments[0]}, not {address}.");
                    continue;
                }

                MapMethod.MakeGenericMethod(command).Invoke(null, [address]);
            }
        }
    }
}
