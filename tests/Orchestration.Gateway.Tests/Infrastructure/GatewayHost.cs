using Orchestration.Messages.Reconciliation;
using SimulatedSignature = Orchestration.Simulators.Webhooks.WebhookSignature;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway's webhook receivers as its host builds them, in this process (<see cref="InProcessEndpoint"/>) on a
/// SQLite file of its own, recording every domain event the webhooks cause.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string PaymentsSecret = "whsec_gateway_tests";
    public const string ESignatureSecret = "esign_whsec_gateway_tests";
    public const string ScreeningSecret = "screening_whsec_gateway_tests";

    readonly InProcessEndpoint _endpoint;

    GatewayHost(InProcessEndpoint endpoint) => _endpoint = endpoint;

    public HttpClient Http => _endpoint.Http;

    public PublishedEvents Published => _endpoint.Published;

    /// <summary>Starts the receivers on a SQLite file of their own, or on <paramref name="provider"/> (<see cref="TestDatabase.Providers"/>).</summary>
    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null, string provider = TestDatabase.Sqlite)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Gateway:Webhooks:Payments:Secret"] = PaymentsSecret,
            ["Gateway:Webhooks:ESignature:Secret"] = ESignatureSecret,
            ["Gateway:Webhooks:Screening:Secret"] = ScreeningSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        return new GatewayHost(await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "gateway",
            Database = TestDatabase.Create(provider, "gateway"),
            Settings = configuration,
            Services = builder => builder.Services.AddGatewayWebhooks(builder.Configuration),
            Pipeline = app => app.MapWebhooks(),
            Records =
            [
                typeof(ScreeningCompleted), typeof(TenantSigned), typeof(LandlordCountersigned), typeof(PaymentIntentSucceeded),
                typeof(PaymentIntentFailed), typeof(PaymentIntentProcessing), typeof(PaymentChargeRefunded), typeof(PaymentDisputeReported),
                typeof(ProviderEventDiscrepancyRecorded), typeof(TenantSignatureReported),
                typeof(CountersignatureReported), typeof(ScreeningResultReported),
            ],
        }));
    }

    /// <summary>Posts the body as the provider would, signed with <c>X-Signature</c> (or <c>Stripe-Signature</c> for payments) at <paramref name="signedAt"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string route, string body, DateTimeOffset? signedAt = null, string? secret = null, string? eventId = null)
    {
        var (header, defaultSecret) = route switch
        {
            "payments" => ("Stripe-Signature", PaymentsSecret),
            "esign" => ("X-Signature", ESignatureSecret),
            _ => ("X-Signature", ScreeningSecret),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = SimulatedSignature.Create(secret ?? defaultSecret, (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), bytes);
        return PostSignedAsync(route, bytes, header, signature, eventId);
    }

    public Task<HttpResponseMessage> PostSignedAsync(string route, byte[] body, string header, string signature, string? eventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{route}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(header, signature);
        if (eventId is not null)
            request.Headers.TryAddWithoutValidation("X-Event-Id", eventId);
        return Http.SendAsync(request);
    }

    public async Task<long> ReceiptCountAsync(string provider)
    {
        var storage = _endpoint.Services.GetRequiredService<SqlStorage>();
        await using var connection = await storage.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {storage.Table("webhook_receipts")} WHERE provider = @provider";
        command.With("@provider", provider);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
