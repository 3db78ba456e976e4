namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// No provider sends an event near a megabyte: a larger body, signed or not, is refused with 413 before it is buffered
/// whole, and nothing is stored.
/// </summary>
public sealed class When_a_webhook_body_is_over_a_megabyte
{
    [Theory]
    [InlineData("payments", "payments")]
    [InlineData("esign", "esignature")]
    [InlineData("screening", "screening")]
    public async Task Should_answer_413_with_problem_details_and_store_nothing(string route, string receipts)
    {
        await using var gateway = await GatewayHost.StartAsync();
        var body = $$"""{"id":"evt_large","type":"charge.refunded","padding":"{{new string('x', 1024 * 1024)}}"}""";

        var response = await gateway.PostAsync(route, body);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await gateway.ReceiptCountAsync(receipts)).ShouldBe(0);
    }
}
