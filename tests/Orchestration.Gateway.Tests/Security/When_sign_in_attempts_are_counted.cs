using System.Net;
using Microsoft.Extensions.Options;

namespace Orchestration.Gateway.Tests.Security;

public sealed class When_sign_in_attempts_are_counted
{
    static LoginThrottle Throttle(TestClock clock, Action<LoginRateLimitOptions> configure)
    {
        var options = new GatewaySecurityOptions();
        configure(options.LoginRateLimit);
        return new LoginThrottle(Options.Create(options), clock);
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("fe80::1%3", "fe80::/64")]
    public void Should_count_a_client_by_what_it_can_change_least(string address, string key) =>
        LoginThrottle.AddressKey(IPAddress.Parse(address)).ShouldBe(key);

    [Fact]
    public void Should_refuse_new_counts_once_it_tracks_as_many_as_it_may()
    {
        var throttle = Throttle(new TestClock(), limits => limits.MaxTrackedKeys = 10);

        var refused = Enumerable.Range(1, 50).Select(i => throttle.TryBegin($"203.0.113.{i}", $"user{i}@x.test")).Count(wait => wait is not null);

        // Each attempt needs an address count: only the first ten fit, and the others are refused, not let through uncounted.
        refused.ShouldBeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public void Should_keep_nothing_for_an_email_and_address_until_it_fails_or_succeeds()
    {
        var throttle = Throttle(new TestClock(), limits => limits.MaxTrackedKeys = 3);

        // One address trying many emails takes one count, so a flood of attempts cannot fill the counters on its own.
        Enumerable.Range(1, 15).Select(i => throttle.TryBegin("office", $"user{i}@x.test")).ShouldAllBe(wait => wait == null);
    }

    [Fact]
    public void Should_give_an_attempt_back_to_the_address_when_the_password_was_right()
    {
        var throttle = Throttle(new TestClock(), limits => limits.PerAddress = 2);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            throttle.TryBegin("office", "staff@x.test").ShouldBeNull();
            throttle.Succeeded("office", "staff@x.test");
        }
        throttle.TryBegin("office", "someone@x.test").ShouldBeNull();
        throttle.Failed("office", "someone@x.test");
        throttle.TryBegin("office", "someone@x.test").ShouldBeNull();
        throttle.Failed("office", "someone@x.test");

        throttle.TryBegin("office", "staff@x.test").ShouldBe(TimeSpan.FromMinutes(1));
    }
}
