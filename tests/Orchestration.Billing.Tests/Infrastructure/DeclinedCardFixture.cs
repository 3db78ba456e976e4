namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>On PostgreSQL, charging a saved card the gateway declines, so that the tenant has to pay with another one.</summary>
public sealed class DeclinedCardFixture() : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync(
    new Dictionary<string, string?> { ["Billing:Payments:PaymentMethod"] = "pm_card_chargeDeclined" }));
