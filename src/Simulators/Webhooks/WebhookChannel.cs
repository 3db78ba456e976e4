namespace Orchestration.Simulators.Webhooks;

/// <summary>How one simulator's webhooks look on the wire: the signature header and the extra headers it sends.</summary>
/// <param name="SignatureHeader"><c>Stripe-Signature</c> or <c>X-Signature</c>.</param>
/// <param name="EventIdHeader">A header repeating the event id, for providers that send one; none for Stripe.</param>
/// <param name="UserAgent">The provider's delivery agent, so receivers can tell the deliveries apart in their logs.</param>
internal sealed record WebhookChannel(string SignatureHeader, string? EventIdHeader, string UserAgent, WebhookOptions Options);
