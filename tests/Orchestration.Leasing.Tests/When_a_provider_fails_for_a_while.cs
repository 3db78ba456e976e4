using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Leasing.Providers;
using Orchestration.Endpoints.Leasing.Screening;
using static Orchestration.Leasing.Tests.Infrastructure.FlakyProvider;

namespace Orchestration.Leasing.Tests;

/// <summary>
/// The screening client, as the endpoint wires it, behind a front that makes the real screening simulator fail: the
/// resilience handler sends the request again, with the same Idempotency-Key, and the provider's answer to the key
/// keeps it one screening.
/// </summary>
public sealed class When_a_provider_fails_for_a_while(LeasingFixture fixture) : LeasingTest(fixture)
{
    ServiceProvider Clients(Uri screening) => new ServiceCollection()
        .AddLogging()
        .AddLeasingServices(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Leasing:Screening:BaseUrl"] = screening.ToString(),
            ["Leasing:Screening:ApiKey"] = LeasingHost.ScreeningKey,
            ["Leasing:Screening:Resilience:BaseDelay"] = "00:00:00.050",
            ["Leasing:ESignature:BaseUrl"] = Host.Simulators.ESignature!.ToString(),
            ["Leasing:ESignature:ApiKey"] = LeasingHost.ESignatureKey,
        }).Build())
        .BuildServiceProvider();

    [Fact]
    public async Task Should_get_one_screening_through_two_503s_with_the_same_idempotency_key_on_every_attempt()
    {
        await using var front = await FlakyProvider.StartAsync(Host.Simulators.Screening!, Step.CarriedOutThen503, Step.Refused503);
        await using var clients = Clients(front.BaseUrl);
        var lease = new Leases();
        var key = LeaseReference.IdempotencyKey(lease.LeaseId, "screening");
        var reference = LeaseReference.Of(lease.LeaseId);

        var screeningId = await clients.GetRequiredService<ScreeningClient>()
            .RequestAsync("Ada Lovelace", "ada@example.com", reference, key, CancellationToken.None);

        front.IdempotencyKeys.ShouldBe([key, key, key]);
        (await Host.ScreeningDecisionsAsync(reference)).ShouldHaveSingleItem().GetProperty("payload").GetRawText().ShouldContain(screeningId);
    }

    [Fact]
    public async Task Should_not_send_again_a_request_the_provider_refused()
    {
        await using var front = await FlakyProvider.StartAsync(Host.Simulators.Screening!);
        await using var clients = Clients(front.BaseUrl);
        var lease = new Leases();

        var failure = await Should.ThrowAsync<ProviderRejectedException>(clients.GetRequiredService<ScreeningClient>().RequestAsync(
            "Ada Lovelace", "not-an-address", LeaseReference.Of(lease.LeaseId), LeaseReference.IdempotencyKey(lease.LeaseId, "screening"),
            CancellationToken.None));

        failure.Status.ShouldBe(400);
        front.IdempotencyKeys.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_not_send_a_post_that_lacks_its_idempotency_key()
    {
        await using var front = await FlakyProvider.StartAsync(Host.Simulators.Screening!);
        await using var clients = Clients(front.BaseUrl);
        var lease = new Leases();

        await Should.ThrowAsync<ArgumentException>(clients.GetRequiredService<ScreeningClient>().RequestAsync(
            "Ada Lovelace", "ada@example.com", LeaseReference.Of(lease.LeaseId), idempotencyKey: " ", CancellationToken.None));

        front.IdempotencyKeys.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_give_up_after_the_configured_attempts_and_leave_the_rest_to_the_retry_policy()
    {
        await using var front = await FlakyProvider.StartAsync(Host.Simulators.Screening!, Step.Refused503, Step.Refused503, Step.Refused503,
            Step.Refused503, Step.Refused503);
        await using var clients = Clients(front.BaseUrl);
        var lease = new Leases();

        var failure = await Should.ThrowAsync<ProviderUnavailableException>(clients.GetRequiredService<ScreeningClient>().RequestAsync(
            "Ada Lovelace", "ada@example.com", LeaseReference.Of(lease.LeaseId), LeaseReference.IdempotencyKey(lease.LeaseId, "screening"),
            CancellationToken.None));

        failure.Message.ShouldContain("503");
        front.IdempotencyKeys.Count.ShouldBe(4);
    }
}
