using System.Runtime.Versioning;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.EndToEnd.Tests;

/// <summary>
/// The platform as scripts/run-distributed.sh runs it: Gateway, Leasing, Billing, Devices, Notifications and Operations
/// each a process of its own on RabbitMQ and PostgreSQL, the third parties simulated over HTTP, and spoken to over
/// HTTP only.
/// </summary>
public sealed partial class When_the_platform_runs_distributed(DistributedPlatform platform) : IClassFixture<DistributedPlatform>
{
    /// <summary>The emails a lease that goes straight to Active sends its applicant, one per step.</summary>
    static readonly TenantEmail[] StepEmails = [TenantEmail.SigningLink, TenantEmail.LeaseCountersigned, TenantEmail.MoveInFundsReceived, TenantEmail.Welcome];

    /// <summary>The states a lease passes through from application to move-in.</summary>
    static readonly string[] SagaPath =
        ["AwaitingScreening", "AwaitingLeaseDocument", "AwaitingTenantSignature", "AwaitingCountersignature", "AwaitingMoveInFunds", "AwaitingAccessCode", "Active"];

    /// <summary>The queues of the endpoints' commands and the saga; each must have its endpoint consuming it.</summary>
    static readonly string[] CommandQueues =
        [
            "lease-signing-state", "leasing-screening", "leasing-esignature", "leasing-unit-holds", "billing-move-in-payments", "devices-commands",
            "notifications", "scheduler", "gateway-lease-projection",
        ];

    [Fact]
    public async Task Should_take_a_lease_to_active_and_email_the_applicant_once_at_every_step()
    {
        var lease = await platform.ActiveLeaseAsync();

        lease.Lease.GetProperty("leaseId").GetGuid().ShouldBe(lease.LeaseId);
        var timeline = lease.Lease.GetProperty("timeline").EnumerateArray().ToList();
        var sequences = timeline.Select(step => step.GetProperty("sequence").GetInt32()).ToList();
        sequences.ShouldBe(sequences.Order().Distinct().ToList(), $"timeline sequences in order, once each: {string.Join(", ", sequences)}");
        var states = timeline.Select(step => step.GetProperty("state").GetString()).ToList();
        StatesInOrder(states, SagaPath).ShouldBeTrue($"the timeline walks {string.Join(" → ", SagaPath)}; it has {string.Join(" → ", states)}");
        states[^1].ShouldBe("Active");

        var mailDev = platform.Run.MailDev!;
        var subjects = StepEmails.ToDictionary(email => email, email => SubjectOf(email, lease.ApplicantName));
        List<JsonElement> emails = [];
        await Eventually.HoldsAsync(async () =>
        {
            emails = await mailDev.EmailsToAsync(lease.ApplicantEmail);
            return subjects.Values.All(subject => emails.Any(e => e.GetProperty("subject").GetString() == subject));
        }, TimeSpan.FromSeconds(30), $"maildev received the {string.Join(", ", StepEmails)} emails for {lease.ApplicantEmail}");

        // A duplicate would come from a redelivered command; give one the time to arrive before counting.
        await Task.Delay(TimeSpan.FromSeconds(3));
        emails = await mailDev.EmailsToAsync(lease.ApplicantEmail);
        foreach (var (email, subject) in subjects)
            emails.Count(e => e.GetProperty("subject").GetString() == subject).ShouldBe(1, $"the {email} email ({subject})");
        emails.Count.ShouldBe(StepEmails.Length, $"emails received: {string.Join(" | ", emails.Select(e => e.GetProperty("subject").GetString()))}");

        // The signing link is the e-signature simulator's signing page for this lease's envelope.
        var signing = emails.Single(e => e.GetProperty("subject").GetString() == subjects[TenantEmail.SigningLink]);
        (signing.GetProperty("text").GetString() ?? "").ShouldContain($"{platform.Run.Url("esignature")}sign/");
    }

    [Fact]
    public async Task Should_keep_every_endpoint_ready_and_leave_no_message_in_an_error_queue()
    {
        await platform.ActiveLeaseAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var endpoint in DistributedRun.Endpoints)
        {
            var ready = await http.GetAsync(new Uri(platform.Run.Url(endpoint), "/health/ready"));
            ready.StatusCode.ShouldBe(HttpStatusCode.OK, $"{endpoint} /health/ready: {await ready.Content.ReadAsStringAsync()}");
        }

        // The emails and events the last step caused settle; then nothing waits anywhere, least of all in an error queue.
        var queues = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            queues = await QueuesAsync();
            return queues.All(q => Messages(q) == 0);
        }, TimeSpan.FromSeconds(30), "every queue of the run is empty");

        var names = queues.Select(q => q.GetProperty("name").GetString()!).ToList();
        names.Where(n => n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_skipped", StringComparison.Ordinal))
            .Select(n => (Name: n, Messages: Messages(queues.Single(q => q.GetProperty("name").GetString() == n))))
            .ShouldAllBe(q => q.Messages == 0);
        foreach (var queue in CommandQueues)
        {
            var found = queues.SingleOrDefault(q => q.GetProperty("name").GetString() == queue);
            found.ValueKind.ShouldBe(JsonValueKind.Object, $"queue {queue} exists in {platform.Run.VirtualHost}; queues: {string.Join(", ", names)}");
            found.GetProperty("consumers").GetInt32().ShouldBeGreaterThan(0, $"queue {queue} has its endpoint consuming it");
        }

        // Nor does anything wait in an outbox for the broker, or in the scheduler for a delayed retry: an Active lease
        // has no timeout left either. (Rent charges a test posted wait days for their grace periods, by design.)
        foreach (var endpoint in DistributedRun.Endpoints)
        {
            await Eventually.HoldsAsync(async () => await platform.Run.CountAsync($"SELECT COUNT(*) FROM \"{endpoint}\".outbox_message") == 0,
                TimeSpan.FromSeconds(15), $"the {endpoint} outbox is empty");
        }

        (await platform.Run.CountAsync(
            "SELECT COUNT(*) FROM operations.scheduled_message WHERE closed_at IS NULL AND message_type NOT LIKE '%Orchestration.Messages.Billing:Rent%'"))
            .ShouldBe(0);

        // Each endpoint is a process with its own broker connection.
        using var management = TestServers.RabbitManagementClient();
        var connections = await management.GetFromJsonAsync<List<JsonElement>>($"/api/vhosts/{Uri.EscapeDataString(platform.Run.VirtualHost)}/connections");
        connections!.Count.ShouldBeGreaterThanOrEqualTo(DistributedRun.Endpoints.Count);
    }

    /// <summary>Whether <paramref name="expected"/> appears in <paramref name="states"/> in that order (other steps may come between).</summary>
    static bool StatesInOrder(List<string?> states, IReadOnlyList<string> expected)
    {
        var next = 0;
        foreach (var state in states)
        {
            if (next < expected.Count && state == expected[next])
                next++;
        }

        return next == expected.Count;
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Should_keep_the_generated_admin_password_in_a_file_only_its_owner_can_read()
    {
        await platform.ActiveLeaseAsync();

        File.GetUnixFileMode(platform.Run.AdminPasswordFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var password = (await File.ReadAllTextAsync(platform.Run.AdminPasswordFile)).Trim();
        password.Length.ShouldBeGreaterThanOrEqualTo(12);
        platform.Run.Output.ShouldContain(platform.Run.AdminPasswordFile);
        platform.Run.Output.ShouldNotContain(password);
        foreach (var process in DistributedRun.Endpoints.Append("simulators"))
            platform.Run.Log(process).ShouldNotContain(password, customMessage: $"{process}.log");
    }

    static string SubjectOf(TenantEmail email, string recipientName) =>
        TenantEmailTemplates.For(email).Subject.Replace("{{RecipientName}}", recipientName, StringComparison.Ordinal);

    static long Messages(JsonElement queue) =>
        queue.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0;

    async Task<List<JsonElement>> QueuesAsync()
    {
        using var management = TestServers.RabbitManagementClient();
        return (await management.GetFromJsonAsync<List<JsonElement>>($"/api/queues/{Uri.EscapeDataString(platform.Run.VirtualHost)}"))!;
    }
}
