namespace Orchestration.Simulators.Tests.Mail;

public sealed class When_sending_mail() : SimulatorsTest(o => o.Mail.Enabled = true)
{
    const string Valid = """
        {
          "personalizations": [{ "to": [{ "email": "ada@example.com", "name": "Ada" }], "cc": [{ "email": "grace@example.com" }] }],
          "from": { "email": "leasing@example.com", "name": "Leasing" },
          "subject": "Your lease is ready to sign",
          "content": [{ "type": "text/plain", "value": "Sign here." }, { "type": "text/html", "value": "<p>Sign here.</p>" }],
          "custom_args": { "notification_id": "n-42" }
        }
        """;

    [Fact]
    public async Task Should_accept_a_valid_message_with_202_and_a_message_id_and_keep_it()
    {
        using var response = await Send(Harness.Mail, Valid);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        var messageId = response.Headers.GetValues("X-Message-Id").ShouldHaveSingleItem();
        var stored = (await Harness.Mail.GetFromJsonAsync<JsonElement>("/_sim/mail/messages?to=ada@example.com")).EnumerateArray().ShouldHaveSingleItem();
        stored.Text("messageId").ShouldBe(messageId);
        stored.Text("subject").ShouldBe("Your lease is ready to sign");
        stored.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["ada@example.com", "grace@example.com"]);
        stored.Text("request.custom_args.notification_id").ShouldBe("n-42");
    }

    [Fact]
    public async Task Should_keep_every_accepted_request_even_a_repeat()
    {
        using var first = await Send(Harness.Mail, Valid);
        using var repeat = await Send(Harness.Mail, Valid);

        var stored = (await Harness.Mail.GetFromJsonAsync<JsonElement>("/_sim/mail/messages")).EnumerateArray().ToList();
        stored.Count.ShouldBe(2);
        stored.Select(m => m.Text("messageId")).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task Should_accept_a_template_without_subject_or_content()
    {
        using var response = await Send(Harness.Mail, """
            { "personalizations": [{ "to": [{ "email": "ada@example.com" }], "dynamic_template_data": { "name": "Ada" } }],
              "from": { "email": "leasing@example.com" }, "template_id": "d-0123456789abcdef" }
            """);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("""{ "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "personalizations")]
    [InlineData("""{ "personalizations": [{ "to": [] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "personalizations.0.to")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }, { "email": "not-an-address" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "personalizations.0.to.1.email")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }], "bcc": [{ "email": "ADA@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "personalizations.0")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "from.email")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "content": [{ "type": "text/plain", "value": "v" }] }""", "subject")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s" }""", "content")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "" }] }""", "content.0.value")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }], "custom_args": { "lease": 42 } }""", "custom_args.lease")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }], "custom_args": { "ok": true } }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }] }""", "personalizations.0.custom_args.ok")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }], "custom_args": "lease-42" }""", "custom_args")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }], "headers": { "From": "x@example.com" } }""", "headers")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }], "categories": ["1","2","3","4","5","6","7","8","9","10","11"] }""", "categories")]
    [InlineData("""{ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s", "content": [{ "type": "text/plain", "value": "v" }], "categories": [7] }""", "categories.0")]
    public async Task Should_refuse_what_sendgrid_refuses_naming_the_field(string body, string field)
    {
        using var response = await Send(Harness.Mail, body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.JsonAsync()).GetProperty("errors").EnumerateArray().ShouldHaveSingleItem();
        error.Text("field").ShouldBe(field);
        error.Text("message").ShouldNotBeNullOrEmpty();
        error.Text("help").ShouldStartWith("http://sendgrid.com/docs/");
        (await Harness.Mail.GetFromJsonAsync<JsonElement>("/_sim/mail/messages")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_custom_args_of_10000_bytes_or_more()
    {
        var args = JsonSerializer.Serialize(new { dedup_key = new string('k', 10_000) });
        using var response = await Send(Harness.Mail, $$"""
            { "personalizations": [{ "to": [{ "email": "ada@example.com" }] }], "from": { "email": "a@example.com" }, "subject": "s",
              "content": [{ "type": "text/plain", "value": "v" }], "custom_args": {{args}} }
            """);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors").EnumerateArray().ShouldHaveSingleItem().Text("field").ShouldBe("custom_args");
    }

    [Fact]
    public async Task Should_accept_a_message_id_header_and_string_custom_args_and_categories()
    {
        using var response = await Send(Harness.Mail, """
            { "personalizations": [{ "to": [{ "email": "ada@example.com", "name": "\"O'Brien, Zoë\"" }] }],
              "from": { "email": "a@example.com", "name": "Property Management" }, "subject": "s",
              "content": [{ "type": "text/plain", "value": "v" }, { "type": "text/html", "value": "<p>v</p>" }],
              "headers": { "Message-ID": "<0123.tenant-email@example.com>" }, "custom_args": { "dedup_key": "lease-1-Welcome" },
              "categories": ["Welcome"] }
            """);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("O'Brien, Zoë", "Invalid")]
    [InlineData("Ada; Grace", "Invalid")]
    [InlineData("\"O'Brien, Zoë\"", null)]
    [InlineData("Zoë O'Brien", null)]
    public async Task Should_accept_but_drop_a_recipient_name_that_reads_as_several_addresses(string name, string? dropReason)
    {
        var body = JsonSerializer.Serialize(new
        {
            personalizations = new[] { new { to = new[] { new { email = "ada@example.com", name } } } },
            from = new { email = "a@example.com" },
            subject = "s",
            content = new[] { new { type = "text/plain", value = "v" } },
        });

        using var response = await Send(Harness.Mail, body);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stored = (await Harness.Mail.GetFromJsonAsync<JsonElement>("/_sim/mail/messages")).EnumerateArray().ShouldHaveSingleItem();
        var reason = stored.GetProperty("dropReason");
        (reason.ValueKind == JsonValueKind.Null ? null : reason.GetString()).ShouldBe(dropReason);
    }

    [Fact]
    public async Task Should_report_every_problem_of_a_request_at_once()
    {
        using var response = await Send(Harness.Mail, """{ "personalizations": [{ "to": [{ "email": "x" }] }] }""");

        var fields = (await response.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.Text("field"));
        fields.ShouldBe(["personalizations.0.to.0.email", "from.email", "subject", "content"]);
    }

    [Fact]
    public async Task Should_refuse_a_body_that_is_not_json()
    {
        using var response = await Send(Harness.Mail, "personalizations=1");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors")[0].Text("message").ShouldBe("Bad Request");
    }

    [Fact]
    public async Task Should_refuse_a_missing_or_wrong_key()
    {
        using var anonymous = TestSimulators.Client(Harness.Simulators.Mail!);
        using var wrongKey = TestSimulators.Client(Harness.Simulators.Mail!, "SG.wrong");

        using var missing = await Send(anonymous, Valid);
        using var wrong = await Send(wrongKey, Valid);

        missing.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await wrong.JsonAsync()).GetProperty("errors")[0].Text("message").ShouldContain("authorization grant is invalid");
    }

    [Fact]
    public async Task Should_throttle_the_next_requests_with_429_and_retry_after_when_asked()
    {
        (await Harness.Mail.PostAsync("/_sim/mail/throttle?count=2&retryAfterSeconds=3", null)).EnsureSuccessStatusCode();

        using var first = await Send(Harness.Mail, Valid);
        using var second = await Send(Harness.Mail, Valid);
        using var third = await Send(Harness.Mail, Valid);

        foreach (var throttled in new[] { first, second })
        {
            throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
            throttled.Headers.GetValues("X-RateLimit-Remaining").ShouldBe(["0"]);
        }
        third.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await Harness.Mail.GetFromJsonAsync<JsonElement>("/_sim/mail/messages")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Should_fail_with_a_server_error_when_asked()
    {
        (await Harness.Mail.PostAsync("/_sim/mail/fail?count=1&status=503", null)).EnsureSuccessStatusCode();

        using var failed = await Send(Harness.Mail, Valid);
        using var recovered = await Send(Harness.Mail, Valid);

        failed.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await failed.JsonAsync()).GetProperty("errors").GetArrayLength().ShouldBe(1);
        recovered.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    static async Task<HttpResponseMessage> Send(HttpClient client, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync("/v3/mail/send", content);
    }
}
