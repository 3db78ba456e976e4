using System.Text.Json;

namespace Orchestration.Simulators.Payments;

/// <summary>Wraps a resource in a Stripe event (<c>evt_...</c>, <c>type</c>, <c>created</c>, <c>data.object</c>) and hands it to delivery.</summary>
internal sealed class PaymentWebhooks(WebhookDispatcher dispatcher, TimeProvider timeProvider)
{
    const string ApiVersion = "2024-06-20";

    public void Publish(string type, object resource, StripeEventRequest cause)
    {
        var id = ResourceId.New("evt");
        var stripeEvent = new StripeEventResource(
            id, ApiVersion, timeProvider.GetUtcNow().ToUnixTimeSeconds(), new StripeEventData(resource),
            Livemode: false, PendingWebhooks: 1, cause, type);
        dispatcher.Publish(id, type, JsonSerializer.SerializeToUtf8Bytes(stripeEvent, SimulatorJson.SnakeCase));
    }
}
