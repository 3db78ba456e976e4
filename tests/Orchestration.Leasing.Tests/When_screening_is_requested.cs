using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Leasing.Screening;

namespace Orchestration.Leasing.Tests;

public sealed class When_screening_is_requested(LeasingFixture fixture) : LeasingTest(fixture)
{
    [Fact]
    public async Task Should_reach_the_provider_once_when_the_command_arrives_twice()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.RequestScreening())).ShouldBeNull();
        (await Host.SendAsync(lease.RequestScreening())).ShouldBeNull();

        var screeningId = await Host.ReadAsync((store, session, ct) => store.FindScreeningAsync(session, lease.LeaseId, ct));
        screeningId.ShouldNotBeNull().ShouldStartWith("scr");

        var decisions = await Host.ScreeningDecisionsAsync(LeaseReference.Of(lease.LeaseId));
        decisions.Count.ShouldBe(1);
        decisions[0].GetProperty("payload").GetRawText().ShouldContain(screeningId);
    }

    [Fact]
    public async Task Should_get_the_first_screening_back_when_a_call_is_repeated_with_the_same_idempotency_key()
    {
        var lease = new Leases();
        var key = LeaseReference.IdempotencyKey(lease.LeaseId, "screening");
        await using var scope = Host.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<ScreeningClient>();

        var first = await client.RequestAsync("Ada Lovelace", "ada@example.com", LeaseReference.Of(lease.LeaseId), key, CancellationToken.None);
        var repeated = await client.RequestAsync("Ada Lovelace", "ada@example.com", LeaseReference.Of(lease.LeaseId), key, CancellationToken.None);

        repeated.ShouldBe(first);
        key.ShouldBe($"lease-{lease.LeaseId:N}-screening");
    }

    [Fact]
    public async Task Should_fail_without_retry_when_the_provider_refuses_the_applicant()
    {
        var lease = new Leases();

        var failure = await Host.SendAsync(lease.RequestScreening() with { ApplicantEmail = "not-an-address" });

        var rejected = failure.ShouldBeOfType<Orchestration.Endpoints.Leasing.Providers.ProviderRejectedException>();
        rejected.Status.ShouldBe(400);
        (await Host.ReadAsync((store, session, ct) => store.FindScreeningAsync(session, lease.LeaseId, ct))).ShouldBeNull();
    }
}
