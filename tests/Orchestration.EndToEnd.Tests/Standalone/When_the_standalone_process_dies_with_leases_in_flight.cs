namespace Orchestration.EndToEnd.Tests.Standalone;

/// <summary>
/// Standalone runs on the in-memory transport, yet a message it committed must survive the process: fifty applications
/// are taken, the process is killed (or stopped) while they are on their way, and started again on the same file.
/// Every lease must still reach Active, and the third parties, which kept running, must have seen every email and
/// every move-in payment exactly once.
/// </summary>
public sealed class When_the_standalone_process_dies_with_leases_in_flight
{
    const int Applications = 50;

    // Payments carry an idempotency key. SendGrid takes none, and no lock is held while it answers, so several emails may
    // be under way when the process dies: each is looked up in SendGrid's activity feed before it is sent again.
    [Fact]
    public Task Should_finish_every_lease_with_each_email_and_payment_once_after_a_kill_9() =>
        InterruptAndRestartAsync(run => run.Host.KillAsync());

    [Fact]
    public Task Should_finish_every_lease_with_each_email_and_payment_once_after_a_sigterm() =>
        InterruptAndRestartAsync(run => run.Host.TerminateAsync(TimeSpan.FromSeconds(30)));

    static async Task InterruptAndRestartAsync(Func<StandaloneRun, Task> interrupt)
    {
        await using var run = new StandaloneRun();
        await run.StartAsync();

        var leases = new List<(Guid LeaseId, string Email)>();
        using (var staff = await run.SignInAsync())
        {
            var propertyId = await staff.CreatePropertyAsync("Crash Court", "1 Restart Road", "Portland", "OR", "97205");

            var units = new List<Guid>();
            for (var i = 0; i < Applications; i++)
                units.Add(await staff.CreateUnitAsync(propertyId, $"U{i:D2}", bedrooms: 1, squareFeet: 600));

            foreach (var unitId in units)
            {
                var email = $"applicant.{Guid.NewGuid():N}@example.com";
                leases.Add((await staff.ApplyForLeaseAsync(propertyId, unitId, "Ada Lovelace", email), email));
            }

            // In flight: screenings decided and documents out for signature, payments and emails on their way.
            await Eventually.HoldsAsync(async () => (await run.SucceededPaymentLeaseIdsAsync()).Count >= 5, TimeSpan.FromSeconds(60),
                "the first move-in payments went through");
        }

        await interrupt(run);
        run.Host.HasExited.ShouldBeTrue();
        await run.Host.StartAsync();

        using var again = await run.SignInAsync();
        var stuck = new List<string>();
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                stuck.Clear();
                foreach (var (leaseId, _) in leases)
                {
                    var state = (await again.GetAsync($"/api/leases/{leaseId}"))?.GetProperty("state").GetString();
                    if (state != "Active")
                        stuck.Add($"{leaseId}: {state}");
                }

                return stuck.Count == 0;
            }, TimeSpan.FromSeconds(90), "every lease became Active");
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"{stuck.Count} of {Applications} leases did not become Active:\n{string.Join('\n', stuck)}\n{run.Host.Output}");
        }

        // Countersigned, funds received and welcome for every tenant, and the signing link for each tenant whose lease sent
        // it. A lease sends no link when the simulated signer signed before the envelope's announcement reached it: the
        // announcement of an envelope created just before the interruption can arrive after the signature once the
        // process is back, and a link to sign what is signed is not sent. An email whose send the interruption cut short
        // is looked up and finished only once its claim is Notifications:InDoubtAfter old (45 s), on a delayed retry.
        // The last ones may also still be on their way when the lease is Active: every email takes its turn at SQLite's
        // write lock twice (its claim and its completion), which on a loaded machine has taken more than a minute for
        // two hundred of them.
        // Whether a lease sent the link is read from its timeline each time, since that step, too, may reach the timeline
        // after the lease is Active.
        async Task<List<string>> ExpectedAsync(Guid leaseId)
        {
            var steps = (await again.GetAsync($"/api/leases/{leaseId}")).ShouldNotBeNull().GetProperty("timeline").EnumerateArray()
                .Select(entry => entry.GetProperty("step").GetString()).ToList();
            var key = $"lease-{leaseId:N}";
            return [.. (steps.Contains("SigningLinkSent") ? new[] { $"{key}-signing-link" } : []), $"{key}-countersigned", $"{key}-funds-received", $"{key}-welcome"];
        }

        var missing = new List<string>();
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                missing.Clear();
                foreach (var (leaseId, email) in leases)
                {
                    var keys = (await run.EmailKeysAsync(email)).Distinct().ToList();
                    var expected = await ExpectedAsync(leaseId);
                    if (!keys.Order().SequenceEqual(expected.Order()))
                        missing.Add($"{leaseId} (has {string.Join(", ", keys)}; expected {string.Join(", ", expected)})");
                }

                return missing.Count == 0;
            }, TimeSpan.FromSeconds(120), "every tenant got the emails their lease sent");
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException($"{missing.Count} of {Applications} tenants did not get exactly the emails their lease sent: {string.Join(", ", missing)}\n{run.Host.Output}");
        }

        var repeated = new List<string>();
        foreach (var (_, email) in leases)
        {
            var keys = await run.EmailKeysAsync(email);
            repeated.AddRange(keys.GroupBy(k => k).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)));
        }

        repeated.ShouldBeEmpty($"emails sent more than once: {string.Join(", ", repeated)}");

        var payments = await run.SucceededPaymentLeaseIdsAsync();
        payments.Count.ShouldBe(Applications);
        payments.Distinct().Count().ShouldBe(Applications);
        payments.ShouldBe(leases.Select(l => l.LeaseId.ToString()), ignoreOrder: true);
    }
}
