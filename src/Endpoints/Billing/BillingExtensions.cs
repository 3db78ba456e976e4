using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Endpoints.Billing.Reconciliation;
using Orchestration.Endpoints.Billing.Refunds;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Endpoints.Billing.VendorBills;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;
using Orchestration.Platform.Sagas;
using Orchestration.Sagas.Billing;

namespace Orchestration.Endpoints.Billing;

/// <summary>
/// The Billing endpoint's wiring, for its own host (<see cref="AddBillingEndpoint"/>) and for the standalone host alike:
/// <c>services.AddBillingServices(configuration)</c> and <c>x.AddBillingConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class BillingExtensions
{
    /// <summary>The Billing endpoint in a host of its own: the platform, its consumers and their services.</summary>
    public static IServiceCollection AddBillingEndpoint(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrchestrationEndpoint(configuration, "billing", x => x.AddBillingConsumers())
            .AddBillingServices(configuration);

    /// <summary>The queue on which Billing checks the payment gateway's events against its requests.</summary>
    public const string PaymentEventsQueue = "billing-payment-events";

    /// <summary>
    /// The consumers of the lease-signing saga's move-in funds commands and of the maintenance saga's vendor bills, on
    /// their <see cref="CommandRoutes"/> queue, and the check of the gateway's payment events on <see cref="PaymentEventsQueue"/>.
    /// </summary>
    public static IBusRegistrationConfigurator AddBillingConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<RequestMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<CancelMoveInFundsRequestConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<RefundMoveInFundsConsumer>().Endpoint(e => e.Name = CommandRoutes.MoveInPayments);
        x.AddConsumer<PaymentIntentEventsConsumer>().Endpoint(e => e.Name = PaymentEventsQueue);
        x.AddConsumer<RentPaymentEventsConsumer>().Endpoint(e => e.Name = PaymentEventsQueue);
        x.AddConsumer<RecordVendorBillConsumer>().Endpoint(e => e.Name = CommandRoutes.VendorBills);
        x.AddConsumer<StartReconciliationRunConsumer>().Endpoint(e => e.Name = CommandRoutes.Reconciliation);
        x.AddConsumer<ReconciliationScheduleDueConsumer>().Endpoint(e => e.Name = CommandRoutes.Reconciliation);
        x.AddRentCollection();
        return x;
    }

    /// <summary>The queue on which Billing keeps its list of active leases from the lease-signing saga's events.</summary>
    public const string LeasesQueue = "billing-leases";

    /// <summary>The queue on which Billing follows each charge's collection for its rent run.</summary>
    public const string RentProgressQueue = "billing-rent-progress";

    /// <summary>
    /// Rent collection: the saga (one per charge, state in SQL), rent runs, the ledger's commands, autopay charges, and the
    /// leases and progress they follow.
    /// </summary>
    static void AddRentCollection(this IBusRegistrationConfigurator x)
    {
        x.AddSagaStateMachine<RentCollectionStateMachine, RentCollectionState, RentCollectionDefinition>().SqlRepository();
        x.AddConsumer<StartRentRunConsumer>().Endpoint(e => e.Name = CommandRoutes.RentRuns);
        x.AddConsumer<RentScheduleDueConsumer>().Endpoint(e => e.Name = CommandRoutes.RentRuns);
        x.AddConsumer<SetLateFeePolicyConsumer>().Endpoint(e => e.Name = CommandRoutes.RentRuns);
        x.AddConsumer<SetLeaseRentSettingsConsumer>().Endpoint(e => e.Name = CommandRoutes.RentRuns);
        x.AddConsumer<RecordLedgerEntryConsumer>().Endpoint(e => e.Name = CommandRoutes.Ledger);
        x.AddConsumer<AssessLateFeesConsumer>().Endpoint(e => e.Name = CommandRoutes.Ledger);
        x.AddConsumer<RequestRentPaymentConsumer>().Endpoint(e => e.Name = CommandRoutes.RentPayments);
        x.AddConsumer<TurnOffAutopayConsumer>().Endpoint(e => e.Name = CommandRoutes.RentPayments);
        x.AddConsumer<RefundRefusedRentPaymentConsumer>().Endpoint(e => e.Name = CommandRoutes.RentPayments);
        x.AddConsumer<RefundLeaseCreditConsumer>().Endpoint(e => e.Name = CommandRoutes.RentPayments);
        x.AddConsumer<SettleLeaseCreditRefundConsumer>().Endpoint(e => e.Name = CommandRoutes.RentPayments);
        x.AddConsumer<SendRentNoticeConsumer>().Endpoint(e => e.Name = CommandRoutes.RentNotices);
        x.AddConsumer<LeaseActivatedConsumer>().Endpoint(e => e.Name = LeasesQueue);
        x.AddConsumer<RentProgressConsumer>().Endpoint(e => e.Name = RentProgressQueue);
    }

    /// <summary>The payment gateway client and the consumers that call it, the endpoint's tables, and its unrecoverable exceptions.</summary>
    public static IServiceCollection AddBillingServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<BillingOptions>(configuration.GetSection(BillingOptions.Section));
        services.AddStore<BillingStore>(BillingMigrations.Tables, BillingMigrations.Cancellations, BillingMigrations.PaymentPages,
            BillingMigrations.ChargeClaims, BillingMigrations.MoveInLines);
        services.AddStore<LedgerStore>(BillingMigrations.LedgerEntries);
        services.AddStore<RentStore>(BillingMigrations.RentCharges, RentSchema.Payments, RentSchema.TenantContact, RentSchema.LateFeePolicies,
            RentSchema.RentSettings, RentSchema.RecurringCharges);
        services.AddStore<VendorBillStore>(VendorBillSchema.Bills);
        services.AddStore<LeaseCreditRefunds>(LeaseCreditRefunds.Schema);
        services.AddStore<ReconciliationStore>(ReconciliationSchema.Reports, ReconciliationSchema.EventDiscrepancies);
        services.AddValidatedOptions<ReconciliationOptions>(configuration.GetSection(ReconciliationOptions.Section));
        services.AddHostedService<ReconciliationScheduleStarter>();
        services.AddScoped<RentPayments>();
        services.AddHostedService<RentScheduleStarter>();
        services.AddValidatedOptions<RentOptions>(configuration.GetSection(RentOptions.Section));
        CommandRouting.Map(CommandRoutes.Queues);
        var rentCollection = configuration.GetSection(RentCollectionOptions.Section);
        var collection = rentCollection.Get<RentCollectionOptions>() ?? new RentCollectionOptions();
        // The binder adds configured list items after the defaults; configured retry delays are meant to replace them.
        if (rentCollection.GetSection(nameof(RentCollectionOptions.AutopayRetryDelays)).Get<List<TimeSpan>>() is { Count: > 0 } retryDelays)
            collection.AutopayRetryDelays = retryDelays;
        services.AddSingleton(collection);
        services.AddScoped<MoveInRefunds>();
        services.AddValidatedOptions<RefundOptions>(configuration.GetSection(RefundOptions.Section));
        services.AddHostedService<PendingRefundRecheck>();
        services.AddScoped<MoveInLedger>();

        // They hold no transaction, and so no lock, while the gateway answers.
        services.CallsThirdParties<RequestMoveInFundsConsumer>()
            .CallsThirdParties<CancelMoveInFundsRequestConsumer>()
            .CallsThirdParties<RefundMoveInFundsConsumer>()
            .CallsThirdParties<RequestRentPaymentConsumer>()
            .CallsThirdParties<RefundRefusedRentPaymentConsumer>()
            .CallsThirdParties<RefundLeaseCreditConsumer>()
            .CallsThirdParties<SettleLeaseCreditRefundConsumer>()
            .CallsThirdParties<SendRentNoticeConsumer>()
            .CallsThirdParties<StartReconciliationRunConsumer>();

        services.AddHttpClient<PaymentGatewayClient>((sp, client) => PaymentGatewayClient.Configure(client, sp.GetRequiredService<IOptions<BillingOptions>>().Value));

        // Refusals by the gateway and amounts that can never be charged: no retry can help (BillingFailures.cs).
        services.AddUnrecoverable<PaymentGatewayRejectedException>()
            .AddUnrecoverable<InvalidMoveInAmountException>()
            .AddUnrecoverable<InvalidLedgerEntryException>()
            .AddUnrecoverable<InvalidRentPeriodException>()
            .AddUnrecoverable<InvalidLateFeePolicyException>()
            .AddUnrecoverable<RentNoticeUndeliverableException>()
            .AddUnrecoverable<InvalidVendorBillException>()
            .AddUnrecoverable<InvalidReconciliationRangeException>()
            .AddUnrecoverable<InvalidLeaseCreditRefundException>();

        return services;
    }
}
