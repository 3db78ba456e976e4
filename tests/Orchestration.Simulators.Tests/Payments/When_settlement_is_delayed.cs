using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Simulators.Tests.Infrastructure;

namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_settlement_is_delayed : IAsyncLifetime
{
    static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);
    Harness harness = null!;

    public async Task InitializeAsync() => harness = await Harness.StartAsync(o =>
    {
        o.Payments.Enabled = true;
        o.Payments.SettlementDelay = Delay;
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Should_answer_processing_and_settle_later_with_a_webhook()
    {
        using var response = await StripeRequests.PayAsync(harness.Payments, 2095);
        var intent = await response.JsonAsync();

        intent.Text("status").ShouldBe("processing");
        var webhooks = await harness.Receiver.WaitForAsync(2);
        webhooks.Select(w => w.Type).ShouldBe(["payment_intent.processing", "payment_intent.payment_failed"]);
        webhooks[1].Json.Text("data.object.last_payment_error.decline_code").ShouldBe("insufficient_funds");
        var settled = await harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intent.Text("id")}");
        settled.Text("status").ShouldBe("requires_payment_method");
    }
}
