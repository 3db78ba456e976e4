namespace Orchestration.Gateway.Tests.Security;

/// <summary>
/// Sign-in is slowed per (email, client address) with growing delays, per client address, and per email under a higher
/// ceiling. The hosts here trust <c>X-Forwarded-For</c> from the loopback, so each browser can stand for another client.
/// </summary>
public sealed class When_sign_in_attempts_come_too_fast
{
    const string Owner = "owner@orchestration.test";
    const string Attacker = "203.0.113.9";
    const string OwnersAddress = "198.51.100.7";

    static int RetryAfter(HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("Retry-After").ShouldHaveSingleItem(), System.Globalization.CultureInfo.InvariantCulture);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_let_the_owner_in_from_another_address_while_someone_else_guesses(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, StaffGatewayHost.BehindProxy());
        await gateway.SeedUserAsync(Owner, Password, GatewayRoles.Admin);
        var attacker = gateway.Browser(from: Attacker);

        for (var attempt = 1; attempt <= 5; attempt++)
            await (await attacker.LoginAsync(Owner, $"guess number {attempt:00}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await attacker.LoginAsync(Owner, "guess number 06")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);

        (await gateway.Browser(from: OwnersAddress).LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_make_one_address_wait_longer_after_each_further_failure(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, StaffGatewayHost.BehindProxy());
        await gateway.SeedUserAsync(Owner, Password, GatewayRoles.Admin);
        var browser = gateway.Browser(from: Attacker);
        for (var attempt = 1; attempt <= 5; attempt++)
            await (await browser.LoginAsync(Owner, $"guess number {attempt:00}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var waits = new List<int>();
        for (var round = 0; round < 3; round++)
        {
            var refused = await browser.LoginAsync(Owner, Password);
            await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            refused.Headers.Contains("Set-Cookie").ShouldBeFalse();
            waits.Add(RetryAfter(refused));
            gateway.Clock.Advance(TimeSpan.FromSeconds(waits[^1]));
            if (round < 2)
                await (await browser.LoginAsync(Owner, $"late guess {round}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        waits.ShouldBe([30, 60, 120]);
        (await browser.LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // A success forgets the failures: the owner's next typo costs no wait.
        await (await browser.LoginAsync(Owner, "a typo after all")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await browser.LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_email_past_its_ceiling_except_from_where_it_signed_in_before(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            StaffGatewayHost.BehindProxy(new Dictionary<string, string?> { ["Gateway:Security:LoginRateLimit:PerEmail"] = "6" }));
        await gateway.SeedUserAsync(Owner, Password, GatewayRoles.Admin);
        (await gateway.Browser(from: OwnersAddress).LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var address = 1; address <= 6; address++)
            await (await gateway.Browser(from: $"203.0.113.{address}").LoginAsync(Owner, "a guess")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var refused = await gateway.Browser(from: "203.0.113.7").LoginAsync(Owner, Password);
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        RetryAfter(refused).ShouldBeInRange(3599, 3600);
        (await gateway.Browser(from: OwnersAddress).LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_not_let_someone_elses_failures_block_a_password_change(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, StaffGatewayHost.BehindProxy());
        await gateway.SeedUserAsync(Owner, Password, GatewayRoles.Admin);
        var owner = gateway.Browser(from: OwnersAddress);
        (await owner.LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var attacker = gateway.Browser(from: Attacker);
        for (var attempt = 1; attempt <= 6; attempt++)
            (await attacker.LoginAsync(Owner, $"guess number {attempt:00}")).IsSuccessStatusCode.ShouldBeFalse();

        var changed = await owner.PostAsJsonAsync("/api/auth/password", new { currentPassword = Password, newPassword = "a brand new passphrase" });

        changed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await changed.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_count_refused_sign_in_bodies_against_the_address(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            StaffGatewayHost.BehindProxy(new Dictionary<string, string?> { ["Gateway:Security:LoginRateLimit:PerAddress"] = "5" }));
        await gateway.SeedUserAsync(Owner, Password, GatewayRoles.Admin);
        var browser = gateway.Browser(from: Attacker);

        for (var attempt = 1; attempt <= 3; attempt++)
            await (await browser.PostAsJsonAsync("/api/auth/login", new { email = "", password = "x" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await browser.LoginAsync(Owner, new string('p', 2_000))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await browser.PostAsync("/api/auth/login", new StringContent("{\"email\":", Encoding.UTF8, "application/json")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        await (await browser.LoginAsync(Owner, Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        (await gateway.Browser(from: OwnersAddress).LoginAsync(Owner, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_count_a_client_once_however_its_address_is_spelled(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            StaffGatewayHost.BehindProxy(new Dictionary<string, string?> { ["Gateway:Security:LoginRateLimit:PerAddress"] = "3" }));

        foreach (var loopback in new[] { "127.0.0.1", "::1", "::ffff:127.0.0.1" })
            await (await gateway.Browser(from: loopback).LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser(from: "::1").LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);

        // IPv6 clients are counted per /64, the smallest network a household or a host is usually given.
        for (var host = 1; host <= 3; host++)
            await (await gateway.Browser(from: $"2001:db8:1:2::{host}").LoginAsync("nobody@orchestration.test", Password))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser(from: "2001:db8:1:2:ffff::1").LoginAsync("nobody@orchestration.test", Password))
            .ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        await (await gateway.Browser(from: "2001:db8:1:3::1").LoginAsync("nobody@orchestration.test", Password))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_body_over_four_kilobytes_with_413_before_reading_it(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { email = "someone@orchestration.test", password = new string('p', 25_000_000) }),
        };
        await request.Content.LoadIntoBufferAsync();
        // As curl sends a large body: the answer may come before the body is sent, and then it never is.
        request.Headers.ExpectContinue = true;

        var response = await gateway.Browser().SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_email_longer_than_an_address_can_be_and_count_it_against_the_address(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            new Dictionary<string, string?> { ["Gateway:Security:LoginRateLimit:PerAddress"] = "1" });
        var browser = gateway.Browser();

        var response = await browser.PostAsJsonAsync("/api/auth/login", new { email = new string('a', 300) + "@x.test", password = Password });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("email", out _).ShouldBeTrue();
        await (await browser.LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_attempts_beyond_the_configured_limit_for_one_client_address(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Gateway:Security:LoginRateLimit:PerAddress"] = "4",
            ["Gateway:Security:LoginRateLimit:Window"] = "00:10:00",
        });
        await gateway.SeedUserAsync("real@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();

        for (var account = 1; account <= 4; account++)
            (await browser.LoginAsync($"account{account}@orchestration.test", Password)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var fifth = await browser.LoginAsync("real@orchestration.test", Password);
        await fifth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        RetryAfter(fifth).ShouldBeInRange(599, 600);
        gateway.Logs.Entries.ShouldContain(e => e.Contains("too many attempts", StringComparison.Ordinal));
    }
}
