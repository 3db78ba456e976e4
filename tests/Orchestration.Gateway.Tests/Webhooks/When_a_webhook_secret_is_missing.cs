using Microsoft.Extensions.Options;

namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// A Gateway that cannot check one provider's signatures must not start: answering that provider's every delivery
/// with a 4xx would make it give up on events that are fine.
/// </summary>
public sealed class When_a_webhook_secret_is_missing
{
    [Theory]
    [InlineData("Payments")]
    [InlineData("ESignature")]
    [InlineData("Screening")]
    public async Task Should_refuse_to_start_and_name_the_setting(string provider)
    {
        var start = () => GatewayHost.StartAsync(new Dictionary<string, string?> { [$"Gateway:Webhooks:{provider}:Secret"] = "" });

        var refused = await start.ShouldThrowAsync<OptionsValidationException>();

        refused.Message.ShouldContain($"Gateway:Webhooks:{provider}:Secret");
    }
}
