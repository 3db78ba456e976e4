namespace Orchestration.EndToEnd.Tests;

/// <summary>
/// One distributed run shared by the tests of a class: started through scripts/run-distributed.sh with every email going
/// to maildev, and one lease taken from application to Active through the Gateway's API, once, whichever test asks first.
/// </summary>
public sealed class DistributedPlatform : IAsyncLifetime
{
    readonly Lazy<Task<ActiveLease>> _lease;
    DistributedRun? _run;

    public DistributedPlatform() => _lease = new Lazy<Task<ActiveLease>>(TakeALeaseToActiveAsync);

    public DistributedRun Run => _run ?? throw new InvalidOperationException("The run has not started.");

    /// <summary>The OTLP collector every process of the run exports its traces to.</summary>
    public OtlpReceiver Collector { get; } = new();

    /// <summary>Endpoint processes a test killed and started again itself.</summary>
    public EndpointRestarts Restarts { get; } = new();

    /// <summary>The payment gateway's API key in this run, made up for it.</summary>
    public string PaymentsSecretKey { get; } = $"sk_test_{Guid.NewGuid():N}";

    /// <summary>Who Operations emails its alerts to.</summary>
    public string OperatorEmail => "operators@e2e.example.com";

    public async Task InitializeAsync()
    {
        _run = await DistributedRun.CreateAsync(withMailDev: true);
        try
        {
            _run.Start(new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
                // Heartbeats and their loss at a fifth of the production pace, so a lost endpoint is noticed in seconds.
                ["Heartbeats__Interval"] = "00:00:02",
                ["Operations__Heartbeats__LostAfter"] = "00:00:08",
                ["Operations__Heartbeats__CheckEvery"] = "00:00:01",
                ["Alerts__EmailRecipients__0"] = OperatorEmail,
                // Failed autopay is tried again seconds later rather than days, and a webhook the Gateway was too busy
                // for comes again a second later rather than a minute; the gateway's key lets a test pay as a tenant.
                ["Billing__RentCollection__AutopayRetryDelays__0"] = "00:00:02",
                ["Billing__RentCollection__AutopayRetryDelays__1"] = "00:00:04",
                ["Simulators__Payments__Webhook__FirstRetryDelay"] = "00:00:02",
                ["Simulators__Payments__Webhook__MaxRetryDelay"] = "00:00:10",
                ["ORCHESTRATION_PAYMENTS_SECRET_KEY"] = PaymentsSecretKey,
                // A month's rent run brings thousands of payment webhooks in a minute (three copies each in the rent test).
                ["Gateway__Webhooks__RateLimit__PermitLimit"] = "60000",
                // The vendor simulator's default port may be taken by another run on this machine.
                ["ORCHESTRATION_VENDORS_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            });
            await _run.WaitUntilReadyAsync(TimeSpan.FromMinutes(4));
        }
        catch
        {
            await _run.DisposeAsync();
            _run = null;
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await Restarts.DisposeAsync();
        if (_run is not null)
            await _run.DisposeAsync();
        await Collector.DisposeAsync();
    }

    /// <summary>The lease this run took to Active, with everything the API answered on the way.</summary>
    public Task<ActiveLease> ActiveLeaseAsync() => _lease.Value;

    async Task<ActiveLease> TakeALeaseToActiveAsync()
    {
        var password = (await File.ReadAllTextAsync(Run.AdminPasswordFile)).Trim();
        using var staff = await StaffClient.SignInAsync(Run.Url("gateway"), Run.AdminEmail, password);

        var propertyId = await staff.CreatePropertyAsync("Harbour View", "12 Quay Street", "Portland", "ME", "04101");
        var unitId = await staff.CreateUnitAsync(propertyId, "4B", bedrooms: 2, squareFeet: 840);

        var applicantName = "Ada Lovelace";
        var applicantEmail = $"ada.{Guid.NewGuid():N}@example.com";
        var leaseId = await staff.ApplyForLeaseAsync(propertyId, unitId, applicantName, applicantEmail);

        // Screening, both signatures, the move-in payment and the access code each cross several processes: the
        // simulators, their webhooks into the Gateway, the saga in Leasing, and Billing, Devices and Notifications.
        JsonElement? lease = null;
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                lease = await staff.GetAsync($"/api/leases/{leaseId}");
                // The activation and each step of the timeline are events of their own, projected in whichever order they
                // arrive: the timeline is whole once it has the activation and no sequence number is missing.
                var steps = lease?.GetProperty("timeline").EnumerateArray().ToList() ?? [];
                return lease?.GetProperty("state").GetString() == "Active" &&
                    steps.Any(step => step.GetProperty("state").GetString() == "Active") &&
                    steps.Select(step => step.GetProperty("sequence").GetInt32()).SequenceEqual(Enumerable.Range(1, steps.Count));
            }, TimeSpan.FromMinutes(2), $"lease {leaseId} became Active, with every step on its timeline");
        }
        catch (ShouldAssertException exception)
        {
            throw new ShouldAssertException($"{exception.Message}\nThe lease last read: {lease}\n{Run.Describe()}");
        }

        return new ActiveLease(leaseId, applicantName, applicantEmail, lease!.Value);
    }
}
