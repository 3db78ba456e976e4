using Orchestration.Messages.Reconciliation;

namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// A signed event that no lease can be found for is still the provider's event: refusing it would make the provider
/// retry for days and then disable the endpoint. It is answered 200, kept, and reported for reconciliation.
/// </summary>
public sealed class When_a_signed_event_names_nothing_we_know
{
    public static TheoryData<string, string, string, string> Events()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var provider in TestDatabase.Providers)
        {
            data.Add(provider, "esign", "esignature", ProviderPayloads.EnvelopeEvent("evt_no_reference", "envelope.signed", reference: null));
            data.Add(provider, "esign", "esignature", ProviderPayloads.EnvelopeEvent("evt_foreign_reference", "envelope.completed", "contract-42"));
            data.Add(provider, "screening", "screening",
                """{"id":"evt_zzz","type":"screening.completed","screening":{"id":"scr_9","reference":"lease-zzz","decision":"approved"}}""");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Should_answer_200_keep_it_and_record_it_as_unmatched(string provider, string route, string receipts, string body)
    {
        await using var gateway = await GatewayHost.StartAsync(provider: provider);

        var response = await gateway.PostAsync(route, body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.ReceiptCountAsync(receipts)).ShouldBe(1);
        var discrepancy = (await gateway.Published.SettledAsync<ProviderEventDiscrepancyRecorded>()).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.Provider.ShouldBe(route);
        discrepancy.EventId.ShouldStartWith("evt_");
        discrepancy.LeaseId.ShouldBeNull();
        gateway.Published.Received.ShouldAllBe(message => message is ProviderEventDiscrepancyRecorded);
    }
}
