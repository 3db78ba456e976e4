namespace Orchestration.Simulators.Tests.ESignature;

public sealed class When_an_envelope_is_signed() : SimulatorsTest(o => o.ESignature.Enabled = true)
{
    string Secret => Harness.Options.ESignature.Webhook.Secret;

    [Fact]
    public async Task Should_go_from_sent_to_signed_to_completed_with_a_signed_webhook_for_each_step()
    {
        using var created = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease());
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var envelope = await created.JsonAsync();
        var id = envelope.Text("id");
        envelope.Text("status").ShouldBe("sent");
        envelope.Text("signingUrl").ShouldStartWith(Harness.Simulators.ESignature!.ToString());

        (await Harness.ESignature.PostAsync($"/_sim/envelopes/{id}/sign", null)).EnsureSuccessStatusCode();
        using var countersigned = await Harness.ESignature.PostAsync($"/v1/envelopes/{id}/countersign", null);

        (await countersigned.JsonAsync()).Text("status").ShouldBe("completed");
        var webhooks = await Harness.Receiver.WaitForAsync(3);
        webhooks.Select(w => w.Type).ShouldBe(["envelope.sent", "envelope.signed", "envelope.completed"], ignoreOrder: true);
        webhooks.Select(w => w.EventId).Distinct().Count().ShouldBe(3);
        foreach (var webhook in webhooks)
        {
            SignatureCheck.IsValid(webhook.Header("X-Signature"), webhook.Body, Secret).ShouldBeTrue();
            webhook.Header("X-Event-Id").ShouldBe(webhook.EventId);
            webhook.Json.Text("envelope.id").ShouldBe(id);
            webhook.Json.Text("envelope.reference").ShouldBe("lease-42");
        }
        var completed = webhooks.Single(w => w.Type == "envelope.completed").Json.GetProperty("envelope");
        completed.Text("signer.signedAt").ShouldNotBeNullOrEmpty();
        completed.Text("countersigner.signedAt").ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Should_let_the_signer_sign_on_the_page_behind_the_signing_url_only_with_its_token()
    {
        using var created = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease());
        var envelope = await created.JsonAsync();
        var signingUrl = new Uri(envelope.Text("signingUrl"));
        using var browser = new HttpClient();

        var page = await browser.GetStringAsync(signingUrl);
        page.ShouldContain("Lease 12B.pdf");
        using var signed = await browser.PostAsync(signingUrl, new FormUrlEncodedContent([KeyValuePair.Create("action", "sign")]));
        using var forged = await browser.GetAsync(new Uri(signingUrl, $"/sign/{envelope.Text("id")}?token=tok_forged"));

        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await signed.Content.ReadAsStringAsync()).ShouldContain("signed");
        forged.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Harness.ESignature.GetFromJsonAsync<JsonElement>($"/v1/envelopes/{envelope.Text("id")}")).Text("status").ShouldBe("signed");
    }

    [Fact]
    public async Task Should_void_an_unfinished_envelope_and_refuse_to_sign_it_afterwards()
    {
        using var created = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease());
        var id = (await created.JsonAsync()).Text("id");

        using var voided = await Harness.ESignature.PostAsJsonAsync($"/v1/envelopes/{id}/void", new { reason = "Screening declined" });
        using var signed = await Harness.ESignature.PostAsync($"/_sim/envelopes/{id}/sign", null);

        (await voided.JsonAsync()).Text("voidReason").ShouldBe("Screening declined");
        signed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await signed.JsonAsync()).Text("error.code").ShouldBe("invalid_state");
        (await Harness.Receiver.WaitForAsync(1, "envelope.voided")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_post_to_the_envelopes_own_callback_url_when_it_has_one()
    {
        await using var callback = await WebhookReceiver.StartAsync();

        using var _ = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease(callbackUrl: callback.Url.ToString()));

        (await callback.WaitForAsync(1, "envelope.sent")).ShouldHaveSingleItem();
        Harness.Receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_replay_a_repeated_create_and_refuse_the_key_for_another_envelope()
    {
        using var first = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease(), "lease-42-envelope");
        using var repeat = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease(), "lease-42-envelope");
        using var other = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease("someone@example.com"), "lease-42-envelope");

        (await repeat.JsonAsync()).Text("id").ShouldBe((await first.JsonAsync()).Text("id"));
        repeat.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await other.JsonAsync()).Text("error.code").ShouldBe("idempotency_key_reused");
    }

    [Fact]
    public async Task Should_refuse_an_invalid_envelope_and_a_caller_without_the_key()
    {
        using var invalid = await Envelopes.CreateAsync(Harness.ESignature, Envelopes.Lease("not-an-address"));
        using var anonymous = TestSimulators.Client(Harness.Simulators.ESignature!);
        using var unauthorized = await Envelopes.CreateAsync(anonymous, Envelopes.Lease());

        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.JsonAsync()).Text("error.field").ShouldBe("signer.email");
        unauthorized.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
