using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

/// <summary>One lease on the <see cref="SagaHarness{TMachine, TState}"/>, with steps that play the other endpoints' replies.</summary>
public sealed class LeaseSigningHarness : SagaHarness<LeaseSigningStateMachine, LeaseSigningState>
{
    public const string EnvelopeId = "env_93ab";
    public const string PaymentId = "pi_3Qx7";
    public const string SigningUrl = "https://sign.example.com/envelopes/env_93ab?token=t0k3n";
    public const string ApplicantName = "Dana Whitfield";
    public const string ApplicantEmail = "dana.whitfield@example.com";

    public static readonly DateTimeOffset Now = new(2030, 3, 1, 9, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly LeaseStart = new(2030, 4, 1);
    public static readonly DateOnly LeaseEnd = new(2031, 3, 31);
    public static readonly Money MonthlyRent = Money.Of(1850m, "USD");
    public static readonly Money SecurityDeposit = Money.Of(2775m, "USD");

    /// <summary>Timeouts far beyond any test, for tests that are not about them.</summary>
    public static LeaseSigningOptions TimeoutsOutOfTheWay => Timeouts(TimeSpan.FromHours(1), 3, TimeSpan.FromHours(2));

    public static LeaseSigningOptions Timeouts(TimeSpan remindEvery, int maxReminders, TimeSpan offerExpiry) => new()
    {
        SignatureReminderInterval = remindEvery,
        MaxSignatureReminders = maxReminders,
        OfferExpiry = offerExpiry,
    };

    LeaseSigningHarness(LeaseSigningOptions options)
        : base(typeof(LeaseSigningDefinition), Now, services => services.AddSingleton(options)) =>
        Options = options;

    public Guid LeaseId => CorrelationId;
    public Guid PropertyId { get; } = NewId.NextGuid();
    public Guid UnitId { get; } = NewId.NextGuid();
    public Guid ApplicantId { get; } = NewId.NextGuid();
    public Guid DocumentId { get; } = NewId.NextGuid();
    public Guid AccessCodeId { get; } = NewId.NextGuid();
    public LeaseSigningOptions Options { get; }

    public static async Task<LeaseSigningHarness> Start(LeaseSigningOptions? options = null)
    {
        var harness = new LeaseSigningHarness(options ?? TimeoutsOutOfTheWay);
        await harness.StartAsync();
        return harness;
    }

    public LeaseSigningState? Lease => Instance;

    protected override string StateOf(LeaseSigningState instance) => instance.CurrentState;

    /// <summary>The steps the saga announced for this lease, in the order it counted them.</summary>
    public IReadOnlyList<LeaseSigningProgressed> Progress() =>
        Published<LeaseSigningProgressed>().Where(x => x.LeaseId == LeaseId).OrderBy(x => x.Sequence).ToList();

    /// <summary>
    /// Asserts that the saga announced exactly these steps, each once, numbered 1, 2, 3… without gaps, at the saga's
    /// clock, for this lease's unit; returns them for further checks.
    /// </summary>
    public IReadOnlyList<LeaseSigningProgressed> ShouldHaveProgressedThrough(params (string Step, string State)[] steps)
    {
        var progress = Progress();
        progress.Select(x => (x.Step, x.State)).ShouldBe(steps);
        progress.Select(x => x.Sequence).ShouldBe(Enumerable.Range(1, steps.Length));
        progress.ShouldAllBe(x => x.OccurredAt == Now && x.PropertyId == PropertyId && x.UnitId == UnitId);
        return progress;
    }

    public IReadOnlyList<SendTenantEmail> Emails(TenantEmail email) => Sent<SendTenantEmail>().Where(x => x.Email == email).ToList();

    /// <summary>
    /// Asserts that <paramref name="email"/> went to the applicant exactly once, under the key naming <paramref name="fact"/>,
    /// with a non-empty value for every name in <paramref name="values"/>; returns the command for further checks.
    /// </summary>
    public SendTenantEmail ShouldHaveEmailedOnce(TenantEmail email, string fact, params string[] values)
    {
        var sent = Emails(email).ShouldHaveSingleItem($"expected one {email} email");
        sent.LeaseId.ShouldBe(LeaseId);
        sent.DeduplicationKey.ShouldBe($"lease-{LeaseId:N}-{fact}");
        sent.RecipientEmail.ShouldBe(ApplicantEmail);
        sent.RecipientName.ShouldBe(ApplicantName);
        foreach (var name in values)
            sent.Values.GetValueOrDefault(name).ShouldNotBeNullOrWhiteSpace($"{email} needs {name}");
        return sent;
    }

    public async Task Submit()
    {
        await Harness.Bus.Send(new SubmitLeaseApplication
        {
            LeaseId = LeaseId, PropertyId = PropertyId, UnitId = UnitId, ApplicantId = ApplicantId,
            ApplicantName = ApplicantName, ApplicantEmail = ApplicantEmail,
            MonthlyRent = MonthlyRent, SecurityDeposit = SecurityDeposit, LeaseStart = LeaseStart, LeaseEnd = LeaseEnd,
        });
        await ShouldBeIn(x => x.AwaitingScreening);
    }

    public async Task PassScreening()
    {
        await Harness.Bus.Publish(Screening(approved: true));
        await ShouldBeIn(x => x.AwaitingLeaseDocument);
    }

    public ScreeningCompleted Screening(bool approved) => new()
    {
        LeaseId = LeaseId,
        Approved = approved,
        Reason = approved ? null : "Insufficient verifiable income",
        ScreeningId = "scr_4821",
    };

    public async Task PrepareDocument()
    {
        await Harness.Bus.Publish(new LeaseDocumentPrepared { LeaseId = LeaseId, DocumentId = DocumentId });
        await ShouldBeIn(x => x.AwaitingTenantSignature);
    }

    public async Task ConfirmEnvelopeSent()
    {
        await Deliver(new TenantSignatureRequested { LeaseId = LeaseId, EnvelopeId = EnvelopeId, SigningUrl = SigningUrl });
    }

    public async Task TenantSigns()
    {
        await Harness.Bus.Publish(new TenantSigned { LeaseId = LeaseId, EnvelopeId = EnvelopeId, SignedAt = Now.AddHours(5) });
        await ShouldBeIn(x => x.AwaitingCountersignature);
    }

    public async Task LandlordCountersigns()
    {
        await Harness.Bus.Publish(new LandlordCountersigned
        {
            LeaseId = LeaseId,
            CountersignedBy = "pm.rivera",
            CountersignedAt = Now.AddHours(8),
        });
        await ShouldBeIn(x => x.AwaitingMoveInFunds);
    }

    /// <summary>The payment gateway's page for the declined charge, as Billing passes it on with every decline.</summary>
    public const string PaymentPage = "http://127.0.0.1:5090/pay/pi_declined_secret_7f3a9c";

    public async Task PaymentFails(string reason, string? paymentPage = PaymentPage)
    {
        await Deliver(new MoveInPaymentFailed
        {
            LeaseId = LeaseId, PaymentId = "pi_declined", Reason = reason, FailedAt = Now.AddDays(1), PaymentUrl = paymentPage,
        });
    }

    public static Money MoveInTotal => MonthlyRent with { Amount = MonthlyRent.Amount + SecurityDeposit.Amount };

    public async Task FundsArrive()
    {
        await Harness.Bus.Publish(new MoveInFundsReceived
        {
            LeaseId = LeaseId,
            PaymentId = PaymentId,
            Amount = MoveInTotal,
            ReceivedAt = Now.AddDays(2),
        });
        await ShouldBeIn(x => x.AwaitingAccessCode);
    }

    public async Task AccessCodeIssued()
    {
        await Harness.Bus.Publish(new AccessCodeIssued { LeaseId = LeaseId, AccessCodeId = AccessCodeId, IssuedAt = Now.AddDays(3) });
        await ShouldBeIn(x => x.Active);
    }

    public async Task Cancel(string reason)
    {
        await Harness.Bus.Send(new CancelLease { LeaseId = LeaseId, Reason = reason, CancelledBy = "ops.kim" });
    }

    /// <summary>Plays the process forward until the lease is in <paramref name="stage"/>.</summary>
    public async Task AdvanceTo(string stage)
    {
        var steps = new (string Stage, Func<Task> Step)[]
        {
            (nameof(LeaseSigningStateMachine.AwaitingScreening), Submit),
            (nameof(LeaseSigningStateMachine.AwaitingLeaseDocument), PassScreening),
            (nameof(LeaseSigningStateMachine.AwaitingTenantSignature), PrepareDocument),
            (nameof(LeaseSigningStateMachine.AwaitingCountersignature), TenantSigns),
            (nameof(LeaseSigningStateMachine.AwaitingMoveInFunds), LandlordCountersigns),
            (nameof(LeaseSigningStateMachine.AwaitingAccessCode), FundsArrive),
            (nameof(LeaseSigningStateMachine.Active), AccessCodeIssued),
        };

        foreach (var (reached, step) in steps)
        {
            await step();
            if (reached == stage)
                return;
        }

        throw new ArgumentOutOfRangeException(nameof(stage), stage, "not a stage of the lease-signing process");
    }
}
