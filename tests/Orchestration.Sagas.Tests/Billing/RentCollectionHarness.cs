using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Sagas.Billing;

namespace Orchestration.Sagas.Tests.Billing;

/// <summary>
/// One rent charge on the <see cref="SagaHarness{TMachine, TState}"/>, with steps that play the rent run and the payment
/// gateway's reports. The clock stands two seconds before midnight at the end of the 6th of March, so a charge due on
/// the 1st with <see cref="ShortGrace"/> days of grace becomes late two seconds into a test (time enough for a busy machine
/// to deliver what the test sends before then), and one with
/// <see cref="LongGrace"/> days stays within its grace period throughout.
/// </summary>
public sealed class RentCollectionHarness : SagaHarness<RentCollectionStateMachine, RentCollectionState>
{
    public const int ShortGrace = 5;
    public const int LongGrace = 10;

    public static readonly DateTimeOffset Now = new(2030, 3, 6, 23, 59, 58, TimeSpan.Zero);
    public static readonly DateOnly DueOn = new(2030, 3, 1);
    public static readonly Money Rent = Money.Of(1850m, "USD");

    /// <summary>Retries far beyond any test, for tests that are not about them.</summary>
    public static RentCollectionOptions RetriesOutOfTheWay => new() { AutopayRetryDelays = [TimeSpan.FromHours(1), TimeSpan.FromHours(2)] };

    RentCollectionHarness(RentCollectionOptions options)
        : base(typeof(RentCollectionDefinition), Now, services => services.AddSingleton(options)) =>
        Options = options;

    public Guid ChargeId => CorrelationId;
    public Guid LeaseId { get; } = NewId.NextGuid();
    public Guid RentRunId { get; } = NewId.NextGuid();
    public RentCollectionOptions Options { get; }
    public RentCollectionState? Charge => Instance;

    public static async Task<RentCollectionHarness> Start(RentCollectionOptions? options = null)
    {
        var harness = new RentCollectionHarness(options ?? RetriesOutOfTheWay);
        await harness.StartAsync();
        return harness;
    }

    protected override string StateOf(RentCollectionState instance) => instance.CurrentState;

    public async Task Post(bool autopay, int graceDays = LongGrace)
    {
        await Deliver(new RentChargePosted
        {
            ChargeId = ChargeId,
            LeaseId = LeaseId,
            RentRunId = RentRunId,
            Period = "2030-03",
            Amount = Rent,
            DueOn = DueOn,
            GraceDays = graceDays,
            Autopay = autopay,
            PostedAt = Now.AddDays(-10),
        });
        await ShouldBeIn(x => x.AwaitingPayment);
    }

    public Task Succeeds(string paymentId, decimal amount = 1850m, string currency = "USD") =>
        Deliver(new RentPaymentSucceeded { ChargeId = ChargeId, PaymentId = paymentId, Amount = Money.Of(amount, currency), OccurredAt = Now });

    public Task Processes(string paymentId) =>
        Deliver(new RentPaymentProcessing { ChargeId = ChargeId, PaymentId = paymentId, OccurredAt = Now });

    public Task Fails(string paymentId, string reason = "Your card has insufficient funds.") =>
        Deliver(new RentPaymentFailed { ChargeId = ChargeId, PaymentId = paymentId, Reason = reason, OccurredAt = Now });

    public Task Returned(string paymentId, int returnsOnLease = 1) => Deliver(new RentPaymentReturned
    {
        ChargeId = ChargeId, PaymentId = paymentId, Amount = Rent, Reason = "R01 insufficient funds", ReturnsOnLease = returnsOnLease, OccurredAt = Now,
    });

    public IReadOnlyList<RecordLedgerEntry> Ledger() => Sent<RecordLedgerEntry>().Where(x => x.ChargeId == ChargeId).ToList();

    /// <summary>The ledger entries the saga asked for, each id once (a redelivered command writes one row), as (kind, amount).</summary>
    public IReadOnlyList<(LedgerEntryKind Kind, decimal Amount)> LedgerAsWritten() =>
        Ledger().DistinctBy(x => x.EntryId).Select(x => (x.Kind, x.Amount.Amount)).ToList();

    public IReadOnlyList<SendRentNotice> Notices(RentNotice notice) => Sent<SendRentNotice>().Where(x => x.Notice == notice).ToList();

    /// <summary>Waits for a timeout's effect, which comes on the scheduler's clock rather than with a delivery.</summary>
    public static Task Until(Func<bool> condition, string description) =>
        Eventually.HoldsAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(10), description);

    public IReadOnlyList<RequestRentPayment> AutopayRequests() => Sent<RequestRentPayment>().Where(x => x.ChargeId == ChargeId).ToList();
}
