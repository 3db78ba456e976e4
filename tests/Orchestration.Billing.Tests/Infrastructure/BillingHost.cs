using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Reconciliation;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Endpoints.Billing.VendorBills;
using Orchestration.Platform.Storage;
using Orchestration.Simulators.Hosting;
using Orchestration.Simulators.Payments;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// The Billing endpoint as its host builds it, in this process (<see cref="InProcessEndpoint"/>), charging through the
/// real payment gateway simulator on a free port. It records the events its consumers publish, and
/// <see cref="GatewayMoments"/> let the tenant or the saga act at the moment one of Billing's calls is on its way.
/// </summary>
public sealed class BillingHost : IAsyncDisposable
{
    public const string SecretKey = "sk_test_simulator";

    readonly InProcessEndpoint _endpoint;
    readonly RunningSimulators _simulators;
    readonly GatewayMoments _moments;
    readonly ConsumedMessages _consumed = new();

    BillingHost(InProcessEndpoint endpoint, RunningSimulators simulators, GatewayMoments moments)
    {
        _endpoint = endpoint;
        _simulators = simulators;
        _moments = moments;
        endpoint.Bus.ConnectConsumeObserver(_consumed);
    }

    public Uri Payments => _simulators.Payments!;

    public PublishedEvents Published => _endpoint.Published;

    /// <summary>The tenant's confirmation of an intent: the gateway's status code and the intent's status after it.</summary>
    public sealed record TenantPayment(HttpStatusCode StatusCode, string IntentStatus);

    /// <summary>
    /// The tenant confirms the intent with <paramref name="paymentMethod"/> through the gateway's API just before
    /// Billing's next cancellation of it reaches the gateway. Completes with the gateway's answer to the tenant, or
    /// fails when Billing does not try to cancel within 20 s.
    /// </summary>
    public Task<TenantPayment> TenantPaysJustBeforeTheCancellation(string intentId, string paymentMethod)
    {
        var paid = new TaskCompletionSource<TenantPayment>(TaskCreationOptions.RunContinuationsAsynchronously);
        _moments.Before(
            request => request.Method == HttpMethod.Post
                && request.RequestUri!.AbsolutePath.EndsWith($"/v1/payment_intents/{intentId}/cancel", StringComparison.Ordinal),
            async cancellationToken =>
            {
                using var tenant = Gateway();
                using var form = new FormUrlEncodedContent([KeyValuePair.Create("payment_method", paymentMethod)]);
                using var response = await tenant.PostAsync($"v1/payment_intents/{intentId}/confirm", form, cancellationToken);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                // A decline (402) carries the intent inside the error, as Stripe sends it.
                var intent = body.TryGetProperty("error", out var error) ? error.GetProperty("payment_intent") : body;
                paid.TrySetResult(new TenantPayment(response.StatusCode, intent.GetProperty("status").GetString()!));
            });
        return paid.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// The saga calls the lease off while Billing's charge of its move-in funds is on its way: the cancellation is sent
    /// when the charge goes out, and the charge reaches the gateway <paramref name="after"/> later, giving the
    /// cancellation the time to be handled in between, if anything lets it.
    /// </summary>
    public void LeaseCalledOffDuringTheCharge(Leases lease, TimeSpan after) => _moments.Before(
        request => request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/v1/payment_intents", StringComparison.Ordinal)
            && request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Contains(lease.FundsKey),
        async cancellationToken =>
        {
            var endpoint = await _endpoint.Bus.GetSendEndpoint(new Uri($"queue:{CommandRoutes.MoveInPayments}"));
            await endpoint.Send(lease.CancelMoveInFundsRequest(), cancellationToken);
            await Task.Delay(after, cancellationToken);
        });

    /// <summary>
    /// The gateway takes <paramref name="delay"/> to answer Billing's charge of the lease's move-in funds, as a slow
    /// provider does. Completes when that charge is on its way, or fails when none is made within 20 s.
    /// </summary>
    public Task ChargeAnsweredSlowly(Leases lease, TimeSpan delay)
    {
        var onItsWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _moments.Before(
            request => request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/v1/payment_intents", StringComparison.Ordinal)
                && request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Contains(lease.FundsKey),
            async cancellationToken =>
            {
                onItsWay.TrySetResult();
                await Task.Delay(delay, cancellationToken);
            });
        return onItsWay.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>On a SQLite file of its own, as in the standalone mode.</summary>
    /// <param name="settings">Configuration over the defaults (recoverability, <c>Billing:Payments:PaymentMethod</c>, ...).</param>
    /// <param name="gateway">Changes to the payment gateway simulator's options (a settlement delay, ...).</param>
    public static Task<BillingHost> StartAsync(IDictionary<string, string?>? settings = null, Action<PaymentsSimulatorOptions>? gateway = null) =>
        StartAsync(TestDatabase.OnSqlite("billing"), settings, gateway);

    /// <summary>On the PostgreSQL server the suite runs against (PGHOST, PGPORT, ...), in a schema of its own that is dropped at the end.</summary>
    public static Task<BillingHost> StartOnPostgresAsync(
        IDictionary<string, string?>? settings = null, Action<PaymentsSimulatorOptions>? gateway = null) =>
        StartAsync(TestDatabase.OnPostgres("billing_tests"), settings, gateway);

    /// <summary>
    /// On a database the caller keeps (and disposes): a host stopped and started again on it finds what the last one
    /// stored.
    /// </summary>
    public static Task<BillingHost> StartOnAsync(TestDatabase database, IDictionary<string, string?>? settings = null) =>
        StartAsync(database, settings, gateway: null, ownsDatabase: false);

    static async Task<BillingHost> StartAsync(
        TestDatabase database, IDictionary<string, string?>? settings, Action<PaymentsSimulatorOptions>? gateway, bool ownsDatabase = true)
    {
        var options = new SimulatorOptions
        {
            Payments = { Url = "http://127.0.0.1:0", SecretKey = SecretKey },
            ESignature = { Enabled = false },
            Screening = { Enabled = false },
            Mail = { Enabled = false },
        };
        gateway?.Invoke(options.Payments);
        var simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);

        var configuration = new Dictionary<string, string?>
        {
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
            ["Billing:Payments:BaseUrl"] = simulators.Payments!.ToString(),
            ["Billing:Payments:SecretKey"] = SecretKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        var moments = new GatewayMoments();
        try
        {
            var endpoint = await InProcessEndpoint.StartAsync(new EndpointSetup
            {
                Name = "billing",
                Database = database,
                OwnsDatabase = ownsDatabase,
                Settings = configuration,
                Consumers = x =>
                {
                    x.AddBillingConsumers();
                    // Stands in for Notifications, to see the emails Billing asks for.
                    x.AddConsumer<EventRecorder<SendTenantEmail>>().Endpoint(e => e.Name = CommandRoutes.Notifications);
                    x.AddConsumer<EventRecorder<SendOperatorAlert>>().Endpoint(e => e.Name = CommandRoutes.Notifications);
                },
                Services = builder =>
                {
                    builder.Services.AddBillingServices(builder.Configuration);
                    builder.Services.AddHttpClient<PaymentGatewayClient>().AddHttpMessageHandler(moments.Handler);
                },
                Records = [typeof(MoveInFundsReceived), typeof(MoveInPaymentFailed), typeof(ProviderEventDiscrepancyRecorded), typeof(RentChargePosted),
                    typeof(RentRunFinished), typeof(LedgerEntryRecorded), typeof(RentPaymentSucceeded), typeof(RentPaymentFailed),
                    typeof(RentPaymentReturned), typeof(RentCollectionProgressed), typeof(ReconciliationRunFinished), typeof(RentPaymentRefused)],
            });
            return new BillingHost(endpoint, simulators, moments);
        }
        catch
        {
            await simulators.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the command to its queue and waits until the endpoint has finished with it: null when handled, else the exception.</summary>
    public Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class => _endpoint.SendAsync(command, messageId);

    /// <summary>
    /// Publishes a payment gateway event as the Gateway does once it has checked the webhook's signature, and waits until
    /// Billing has finished with it: null when handled, else the exception.
    /// </summary>
    public async Task<Exception?> ReportAsync<T>(T providerEvent, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        var handled = _consumed.Expect(id, BillingExtensions.PaymentEventsQueue);
        // As its own type, also when the caller holds it as an object (as the Gateway's webhook reader returns it).
        await _endpoint.Bus.Publish(providerEvent, providerEvent.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = id));
        return await handled.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Publishes an event another endpoint publishes and waits until Billing's <paramref name="queue"/> has finished with it.</summary>
    public async Task<Exception?> PublishAsync<T>(T message, string queue)
        where T : class
    {
        var id = NewId.NextGuid();
        var handled = _consumed.Expect(id, queue);
        await _endpoint.Bus.Publish(message, context => context.MessageId = id);
        return await handled.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public Task<RentRunRecord?> RentRunAsync(Guid runId) =>
        _endpoint.ReadAsync<RentStore, RentRunRecord?>((store, session, ct) => store.FindRunAsync(session, runId, ct));

    /// <summary>The lease's posted charges, each with the late-fee policy it was posted under.</summary>
    public Task<IReadOnlyDictionary<Guid, LateCharge>> ChargesAsync(Guid leaseId) =>
        _endpoint.ReadAsync<RentStore, IReadOnlyDictionary<Guid, LateCharge>>((store, session, ct) => store.LateChargesAsync(session, leaseId, ct));

    public Task<IReadOnlyList<LedgerEntry>> LedgerAsync(Guid leaseId) =>
        _endpoint.ReadAsync<LedgerStore, IReadOnlyList<LedgerEntry>>((store, session, ct) => store.EntriesAsync(session, leaseId, null, ct));

    /// <summary>The lease's balance as the ledger sums it (zero when it has no entries).</summary>
    public async Task<decimal> BalanceAsync(Guid leaseId) =>
        (await _endpoint.ReadAsync<LedgerStore, IReadOnlyList<Money>>((store, session, ct) => store.BalanceAsync(session, leaseId, null, ct)))
        .SingleOrDefault()?.Amount ?? 0m;

    /// <summary>
    /// Runs <paramref name="action"/> with the gateway's answer to Billing's charge of the lease, after the gateway has
    /// created the intent and before Billing has recorded it: the moment a fast webhook arrives.
    /// </summary>
    public void RightAfterTheCharge(Leases lease, Func<JsonElement, CancellationToken, Task> action) => _moments.After(
        request => request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/v1/payment_intents", StringComparison.Ordinal)
            && request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Contains(lease.FundsKey),
        action);

    /// <summary>Runs <paramref name="action"/> once before Billing's first call to the gateway for the staff refund of a lease's credit.</summary>
    public void BeforeTheCreditRefund(Guid refundId, Func<CancellationToken, Task> action) => _moments.Before(IsCreditRefund(refundId), action);

    /// <summary>
    /// Runs <paramref name="action"/> with the gateway's answer to Billing's first call for the staff refund of a lease's
    /// credit, before Billing has recorded it: the moment a fast webhook arrives.
    /// </summary>
    public void AfterTheCreditRefund(Guid refundId, Func<JsonElement, CancellationToken, Task> action) => _moments.After(IsCreditRefund(refundId), action);

    static Func<HttpRequestMessage, bool> IsCreditRefund(Guid refundId) => request =>
        request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/v1/refunds", StringComparison.Ordinal)
        && request.Headers.TryGetValues("Idempotency-Key", out var keys)
        && keys.Any(key => key.StartsWith($"{Endpoints.Billing.Refunds.LeaseCreditRefunds.KeyPrefix}{refundId:N}-", StringComparison.Ordinal));

    /// <summary>How many refunds of the lease's payments the gateway has announced (<c>charge.refunded</c> at their creation).</summary>
    public async Task<int> GatewayRefundsAsync(Guid leaseId) => (await EventsAsync("charge.refunded", leaseId.ToString())).Count;

    public Task<PaymentRecord?> PaymentAsync(string idempotencyKey) =>
        _endpoint.ReadAsync<BillingStore, PaymentRecord?>((store, session, ct) => store.FindPaymentAsync(session, idempotencyKey, ct));

    /// <summary>The request's row as the Gateway's API reads rows: in a transaction that only reads.</summary>
    public async Task<PaymentRecord?> PaymentAsReadAsync(string idempotencyKey)
    {
        await using var scope = _endpoint.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginReadAsync(CancellationToken.None);
        try
        {
            return await scope.ServiceProvider.GetRequiredService<BillingStore>().FindPaymentAsync(session, idempotencyKey, CancellationToken.None);
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    public Task<ReconciliationRunRecord?> ReconciliationRunAsync(Guid runId) =>
        _endpoint.ReadAsync<ReconciliationStore, ReconciliationRunRecord?>((store, session, ct) => store.FindAsync(session, runId, ct));

    public Task<VendorBill?> VendorBillAsync(Guid workOrderId) =>
        _endpoint.ReadAsync<VendorBillStore, VendorBill?>((store, session, ct) => store.FindAsync(session, workOrderId, ct));

    public Task<RefundRecord?> RefundAsync(string idempotencyKey) =>
        _endpoint.ReadAsync<BillingStore, RefundRecord?>((store, session, ct) => store.FindRefundAsync(session, idempotencyKey, ct));

    /// <summary>A staff refund of a lease's credit as Billing decided it (taken on, or refused and why).</summary>
    public Task<Endpoints.Billing.Refunds.CreditRefundRecord?> CreditRefundAsync(Guid refundId) =>
        _endpoint.ReadAsync<Endpoints.Billing.Refunds.LeaseCreditRefunds, Endpoints.Billing.Refunds.CreditRefundRecord?>(
            (store, session, ct) => store.FindAsync(session, refundId, ct));

    /// <summary>The parts of a staff refund, one per payment it takes money back from, with the gateway's refund and status.</summary>
    public Task<IReadOnlyList<Endpoints.Billing.Refunds.CreditRefundPart>> CreditRefundPartsAsync(Guid refundId) =>
        _endpoint.ReadAsync<Endpoints.Billing.Refunds.LeaseCreditRefunds, IReadOnlyList<Endpoints.Billing.Refunds.CreditRefundPart>>(
            (store, session, ct) => store.PartsAsync(session, refundId, ct));

    /// <summary>A client for the payment gateway simulator's API (with its key) and test controls.</summary>
    public HttpClient Gateway() => SimulatorApi.Client(Payments, SecretKey);

    /// <summary>The webhook events of a type the gateway has raised that mention the text (a lease id).</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, string mentioning)
    {
        using var gateway = Gateway();
        return await SimulatorApi.EventsAsync(gateway, type, mentioning);
    }

    /// <summary>The payment intent as the gateway reports it now.</summary>
    public async Task<JsonElement> IntentAsync(string id)
    {
        using var gateway = Gateway();
        return await gateway.GetFromJsonAsync<JsonElement>($"v1/payment_intents/{id}");
    }

    public async ValueTask DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await _simulators.DisposeAsync();
    }
}
