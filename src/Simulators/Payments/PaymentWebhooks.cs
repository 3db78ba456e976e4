using System.Text.Json;

namespace Orchestration.Simulators.Payments;

/// <summary>Wraps a resource in a Stripe event (<c>evt_...</c>, <c>type</c>, <c>created</c>, <c>data.object</c>) and hands it to delivery.</summary>
internal sealed class PaymentWebhooks(WebhookDispatcher dispatcher, TimeProvider timeProvider)
{
    // The version Stripe.net 53 pins (yyyy-MM-dd.release-train): a Stripe.net receiver parses these events with its
    // version check on, and an event without a release train would fail it.
    const string ApiVersion = "2026-10-28.endive";

    public void Publish(string type, object resource, StripeEventRequest cause)
    {
        var id = ResourceId.New("evt");
        var stripeEvent = new StripeEventResource(
            id, ApiVersion, timeProvider.GetUtcNow().ToUnixTimeSeconds(), new StripeEventData(resource),
            Livemode: false, PendingWebhooks: 1, cause, type);
        dispatcher.Publish(id, type, JsonSerializer.SerializeToUtf8Bytes(stripeEvent, SimulatorJson.SnakeCase));
    }
}
