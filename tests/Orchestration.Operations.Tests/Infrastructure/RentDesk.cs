using System.Collections.Concurrent;

namespace Orchestration.Operations.Tests.Infrastructure;

/// <summary>A command a test sends to a consumer it can break and mend, standing for a rent charge to a payment gateway.</summary>
public sealed record ChargeTestRent
{
    public required Guid ChargeId { get; init; }
    public required string Tenant { get; init; }
}

public sealed class PaymentGatewayDown(string message) : Exception(message);

public sealed class UnknownTenant(string message) : Exception(message);

/// <summary>
/// The state behind <see cref="ChargeTestRentConsumer"/>: whether its "payment gateway" is down, and every charge made,
/// with the time it was made, so a test sees each charge made once and the pace of a retry.
/// </summary>
public sealed class RentDesk
{
    public const string Queue = "tests-rent-charges";

    public volatile bool GatewayDown;

    public ConcurrentDictionary<Guid, ConcurrentQueue<DateTimeOffset>> Charged { get; } = new();

    public int TimesCharged(Guid chargeId) => Charged.TryGetValue(chargeId, out var times) ? times.Count : 0;
}

/// <summary>Fails while the gateway is down, and always for the tenant "unknown"; otherwise records the charge.</summary>
public sealed class ChargeTestRentConsumer(RentDesk desk) : IConsumer<ChargeTestRent>
{
    public Task Consume(ConsumeContext<ChargeTestRent> context)
    {
        if (context.Message.Tenant == "unknown")
            throw new UnknownTenant($"No tenant '{context.Message.Tenant}' for charge {context.Message.ChargeId}");
        if (desk.GatewayDown)
            throw new PaymentGatewayDown($"The payment gateway refused charge {context.Message.ChargeId}");

        // After the handler's transaction the inbox has marked the message handled; a second copy never gets here.
        desk.Charged.GetOrAdd(context.Message.ChargeId, _ => new ConcurrentQueue<DateTimeOffset>()).Enqueue(DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }
}
