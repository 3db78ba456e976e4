using Microsoft.Extensions.Options;

namespace Orchestration.Gateway.Tests.Security;

public sealed class When_sign_in_attempts_come_too_fast
{
    /// <summary>A throttle with a one-minute window, on <paramref name="clock"/>.</summary>
    static LoginThrottle Throttle(TestClock clock, int perEmail, int perAddress)
    {
        var options = new GatewaySecurityOptions
        {
            LoginRateLimit = { PerEmail = perEmail, PerAddress = perAddress, Window = TimeSpan.FromMinutes(1) },
        };
        return new LoginThrottle(Options.Create(options), clock);
    }

    [Fact]
    public void Should_count_each_email_and_each_address_in_its_own_window()
    {
        var clock = new TestClock();
        var throttle = Throttle(clock, perEmail: 2, perAddress: 3);

        throttle.TryAttempt("10.0.0.1", "a@x.test").ShouldBeNull();
        clock.Advance(TimeSpan.FromSeconds(20));
        throttle.TryAttempt("10.0.0.1", "a@x.test").ShouldBeNull();
        throttle.TryAttempt("10.0.0.1", "a@x.test").ShouldBe(TimeSpan.FromSeconds(40));
        throttle.TryAttempt("10.0.0.2", "a@x.test").ShouldBe(TimeSpan.FromSeconds(40));

        throttle.TryAttempt("10.0.0.1", "b@x.test").ShouldBeNull();
        throttle.TryAttempt("10.0.0.1", "c@x.test").ShouldBe(TimeSpan.FromSeconds(40));

        clock.Advance(TimeSpan.FromSeconds(40));
        throttle.TryAttempt("10.0.0.1", "a@x.test").ShouldBeNull();
        throttle.TryAttempt("10.0.0.1", "c@x.test").ShouldBeNull();
    }

    [Fact]
    public void Should_refuse_an_address_over_its_limit_before_it_names_another_email()
    {
        var throttle = Throttle(new TestClock(), perEmail: 5, perAddress: 2);

        throttle.TryAttempt("10.0.0.9", "a@x.test").ShouldBeNull();
        throttle.TryAttempt("10.0.0.9", "b@x.test").ShouldBeNull();
        throttle.TryAttempt("10.0.0.9", "c@x.test").ShouldBe(TimeSpan.FromMinutes(1));

        // The refused attempt counted nothing against c@x.test: another address may still try it five times.
        for (var attempt = 0; attempt < 5; attempt++)
            throttle.TryAttempt($"10.0.1.{attempt}", "c@x.test").ShouldBeNull();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_an_email_longer_than_an_address_can_be_before_counting_it(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var browser = gateway.Browser();

        var response = await browser.PostAsJsonAsync("/api/auth/login", new { email = new string('a', 10_000) + "@x.test", password = Password });

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("email", out _).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_the_sixth_attempt_for_an_email_within_a_minute_with_retry_after(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        await gateway.SeedUserAsync("target@orchestration.test", Password, GatewayRoles.Admin);
        var browser = gateway.Browser();

        for (var attempt = 1; attempt <= 5; attempt++)
            (await browser.LoginAsync("target@orchestration.test", $"guess number {attempt:00}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        gateway.Clock.Advance(TimeSpan.FromSeconds(15));

        // Even the right password is not checked once the limit is reached.
        var sixth = await browser.LoginAsync("TARGET@orchestration.test", Password);
        await sixth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(sixth.Headers.GetValues("Retry-After").ShouldHaveSingleItem(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.ShouldBeInRange(44, 45);
        sixth.Headers.Contains("Set-Cookie").ShouldBeFalse();

        gateway.Clock.Advance(TimeSpan.FromSeconds(retryAfter));
        (await browser.LoginAsync("target@orchestration.test", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
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
        int.Parse(fifth.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(599, 600);
        gateway.Logs.Entries.ShouldContain(e => e.Contains("too many attempts", StringComparison.Ordinal));
    }
}
