using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Messages.Maintenance;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

/// <summary>
/// One work order on the <see cref="SagaHarness{TMachine, TState}"/>, with steps that play the vendor registry's,
/// the vendors' and staff's part.
/// </summary>
public sealed class WorkOrderHarness : SagaHarness<MaintenanceDispatchStateMachine, MaintenanceDispatchState>
{
    public const string TenantName = "Ola Brandt";
    public const string TenantEmail = "ola.brandt@example.com";
    public const string InvoiceNumber = "INV-2030-0417";

    public static readonly DateTimeOffset Now = new(2030, 5, 14, 8, 0, 0, TimeSpan.Zero);
    public static readonly Money SpendingLimit = Money.Of(400m, "USD");

    /// <summary>Deadlines far beyond any test, for tests that are not about them.</summary>
    public static MaintenanceDispatchOptions DeadlinesOutOfTheWay => new()
    {
        EmergencyAcceptance = TimeSpan.FromHours(1),
        UrgentAcceptance = TimeSpan.FromHours(2),
        RoutineAcceptance = TimeSpan.FromHours(3),
        NoShowGrace = TimeSpan.FromHours(1),
    };

    WorkOrderHarness(MaintenanceDispatchOptions options)
        : base(typeof(MaintenanceDispatchDefinition), Now, services => services.AddSingleton(options)) =>
        Options = options;

    public Guid WorkOrderId => CorrelationId;
    public Guid PropertyId { get; } = NewId.NextGuid();
    public Guid UnitId { get; } = NewId.NextGuid();
    public Guid AccessCodeId { get; } = NewId.NextGuid();
    public MaintenanceDispatchOptions Options { get; }

    /// <summary>The vendors the registry offers, in its order of preference.</summary>
    public IReadOnlyList<Guid> Vendors { get; } = [NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid()];

    public static async Task<WorkOrderHarness> Start(MaintenanceDispatchOptions? options = null)
    {
        var harness = new WorkOrderHarness(options ?? DeadlinesOutOfTheWay);
        await harness.StartAsync();
        return harness;
    }

    public MaintenanceDispatchState? Order => Instance;

    protected override string StateOf(MaintenanceDispatchState instance) => instance.CurrentState;

    /// <summary>
    /// The steps the saga announced, once the announcement of its latest (its <c>ProgressSequence</c>) has been published:
    /// the state is stored before the step's messages leave, so a test reading at once could miss the newest.
    /// </summary>
    public async Task<IReadOnlyList<string>> StepsAsync()
    {
        if (Order?.ProgressSequence is { } last and > 0)
            (await Harness.Published.Any<WorkOrderProgressed>(x => x.Context.Message.WorkOrderId == WorkOrderId && x.Context.Message.Sequence >= last))
                .ShouldBeTrue($"step {last} of work order {WorkOrderId} was announced");
        return Published<WorkOrderProgressed>().Where(x => x.WorkOrderId == WorkOrderId).OrderBy(x => x.Sequence).Select(x => x.Step).ToList();
    }

    public RequestWorkOrder Request(string category = "plumbing", string description = "Kitchen tap drips", string? alarm = null) => new()
    {
        WorkOrderId = WorkOrderId,
        PropertyId = PropertyId,
        UnitId = UnitId,
        Source = alarm is null ? WorkOrderSource.Tenant : WorkOrderSource.DeviceAlarm,
        Category = category,
        Description = description,
        ServiceArea = "97201",
        RequestedBy = alarm is null ? TenantEmail : "leak-sensor-7",
        Alarm = alarm,
        TenantName = TenantName,
        TenantEmail = TenantEmail,
        SpendingLimit = SpendingLimit,
    };

    public async Task Open(RequestWorkOrder? request = null)
    {
        await Harness.Bus.Send(request ?? Request());
        await ShouldBeIn(x => x.ChoosingVendor);
    }

    /// <summary>The registry answers the saga's current request with the vendor at <paramref name="index"/>.</summary>
    public async Task RegistryChooses(int index)
    {
        var attempt = Order.ShouldNotBeNull().Attempt;
        await Harness.Bus.Publish(new VendorChosen
        {
            WorkOrderId = WorkOrderId, Attempt = attempt, VendorId = Vendors[index], VendorName = $"Vendor {index}",
        });
        await ShouldBeIn(x => x.AwaitingAcceptance);
    }

    public async Task Accept(int vendor, DateTimeOffset? from = null, DateTimeOffset? until = null)
    {
        await Deliver(new AcceptWorkOrder { WorkOrderId = WorkOrderId, VendorId = Vendors[vendor], VisitFrom = from, VisitUntil = until });
    }

    public async Task AcceptWithWindow(int vendor)
    {
        await Accept(vendor, Now.AddHours(3), Now.AddHours(5));
        await ShouldBeIn(x => x.Scheduled);
    }

    public async Task Decline(int vendor) =>
        await Deliver(new DeclineWorkOrder { WorkOrderId = WorkOrderId, VendorId = Vendors[vendor], Reason = "Fully booked" });

    public async Task ProposeWindow(int vendor, DateTimeOffset from, DateTimeOffset until) =>
        await Deliver(new ProposeVisitWindow { WorkOrderId = WorkOrderId, VendorId = Vendors[vendor], VisitFrom = from, VisitUntil = until });

    public async Task CodeIssued() =>
        await Deliver(new VisitAccessCodeIssued { WorkOrderId = WorkOrderId, AccessCodeId = AccessCodeId, IssuedAt = Now });

    public async Task Complete(int vendor, decimal amount, string currency = "USD") =>
        await Deliver(new CompleteWorkOrder
        {
            WorkOrderId = WorkOrderId, VendorId = Vendors[vendor], InvoiceNumber = InvoiceNumber, InvoiceAmount = Money.Of(amount, currency),
        });

    public async Task Cancel(string reason) =>
        await Deliver(new CancelWorkOrder { WorkOrderId = WorkOrderId, Reason = reason, CancelledBy = "coord.lee" });

    /// <summary>Plays the work order forward until it is in <paramref name="stage"/>, with vendor 0 taking the job.</summary>
    public async Task AdvanceTo(string stage)
    {
        var steps = new (string Stage, Func<Task> Step)[]
        {
            (nameof(MaintenanceDispatchStateMachine.ChoosingVendor), () => Open()),
            (nameof(MaintenanceDispatchStateMachine.AwaitingAcceptance), () => RegistryChooses(0)),
            (nameof(MaintenanceDispatchStateMachine.AwaitingVisitWindow), async () =>
            {
                await Accept(0);
                await ShouldBeIn(x => x.AwaitingVisitWindow);
            }),
            (nameof(MaintenanceDispatchStateMachine.Scheduled), async () =>
            {
                await ProposeWindow(0, Now.AddHours(3), Now.AddHours(5));
                await ShouldBeIn(x => x.Scheduled);
                await CodeIssued();
            }),
            (nameof(MaintenanceDispatchStateMachine.AwaitingApproval), async () =>
            {
                await Complete(0, 950m);
                await ShouldBeIn(x => x.AwaitingApproval);
            }),
        };

        foreach (var (reached, step) in steps)
        {
            await step();
            if (reached == stage)
                return;
        }

        throw new ArgumentOutOfRangeException(nameof(stage), stage, "not a stage reached on the way to approval");
    }
}
