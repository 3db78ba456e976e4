namespace Orchestration.Simulators.Payments;

internal sealed record NewPaymentIntent(
    long Amount, string Currency, Dictionary<string, string> Metadata, bool Confirm, string? PaymentMethod, string? Customer, string? Description);

/// <summary>A list request: page size, cursor, and the creation range in Unix seconds (both bounds inclusive, either open).</summary>
internal sealed record PaymentIntentListQuery(int Limit, string? StartingAfter, string? EndingBefore, long? CreatedFrom, long? CreatedTo)
{
    public bool Includes(long created) => (CreatedFrom is null || created >= CreatedFrom) && (CreatedTo is null || created <= CreatedTo);
}

internal sealed record NewRefund(string PaymentIntentId, long? Amount, string? Reason, Dictionary<string, string> Metadata);

/// <summary>
/// The simulated gateway's books: payment intents, their charges and refunds, the state transitions Stripe documents
/// (requires_payment_method / requires_confirmation → processing → succeeded, or back to requires_payment_method with
/// <c>last_payment_error</c>; requires_payment_method / requires_confirmation → canceled), and the webhook each outcome
/// causes.
/// </summary>
internal sealed class PaymentGateway(
    PaymentsSimulatorOptions options,
    PaymentRules rules,
    PaymentWebhooks webhooks,
    BackgroundWork backgroundWork,
    TimeProvider timeProvider,
    ILogger<PaymentGateway> logger)
{
    readonly Lock gate = new();
    readonly Dictionary<string, PaymentIntent> intents = new(StringComparer.Ordinal);
    readonly Dictionary<string, PaymentIntent> bySecret = new(StringComparer.Ordinal);
    readonly Dictionary<string, Refund> refunds = new(StringComparer.Ordinal);
    readonly Dictionary<string, Dispute> disputes = new(StringComparer.Ordinal);

    // Every intent in the order it was created, for the list API (newest first, as Stripe lists).
    readonly List<PaymentIntent> created = [];

    public RecordedResponse CreateIntent(NewPaymentIntent request, StripeEventRequest cause)
    {
        var intent = new PaymentIntent(ResourceId.New("pi"), request.Amount, request.Currency, request.Metadata, timeProvider.GetUtcNow())
        {
            Customer = request.Customer,
            Description = request.Description,
            PaymentMethod = request.PaymentMethod,
            Status = request.PaymentMethod is null ? PaymentIntentStatus.RequiresPaymentMethod : PaymentIntentStatus.RequiresConfirmation,
        };
        PaymentIntentResource created;
        lock (gate)
        {
            intents.Add(intent.Id, intent);
            bySecret.Add(intent.ClientSecret, intent);
            this.created.Add(intent);
            created = intent.ToResource();
        }
        logger.LogInformation("Payment intent {PaymentIntentId} created for {Amount} {Currency}", intent.Id, intent.Amount, intent.Currency);

        return request.Confirm ? Confirm(intent.Id, paymentMethod: null, cause) : Ok(created);
    }

    /// <summary>
    /// One page of intents, newest first, as Stripe's list API answers: those created in the range (Unix seconds,
    /// inclusive bounds), after <see cref="PaymentIntentListQuery.StartingAfter"/> or before
    /// <see cref="PaymentIntentListQuery.EndingBefore"/>, at most <see cref="PaymentIntentListQuery.Limit"/> of them.
    /// </summary>
    public RecordedResponse List(PaymentIntentListQuery query)
    {
        lock (gate)
        {
            var cursor = query.StartingAfter ?? query.EndingBefore;
            if (cursor is not null && !intents.ContainsKey(cursor))
            {
                return StripeError.NoSuch("payment_intent", cursor, query.StartingAfter is null ? "ending_before" : "starting_after")
                    .ToResponse(StatusCodes.Status400BadRequest);
            }

            var newestFirst = Enumerable.Range(0, created.Count).Select(i => created[created.Count - 1 - i])
                .Where(intent => query.Includes(intent.Created.ToUnixTimeSeconds()))
                .ToList();
            List<PaymentIntent> page;
            bool hasMore;
            if (query.EndingBefore is { } before)
            {
                var end = newestFirst.FindIndex(intent => intent.Id == before);
                var start = Math.Max(0, (end < 0 ? 0 : end) - query.Limit);
                page = end < 0 ? [] : newestFirst[start..end];
                hasMore = start > 0;
            }
            else
            {
                var start = query.StartingAfter is { } after ? newestFirst.FindIndex(intent => intent.Id == after) + 1 : 0;
                page = query.StartingAfter is not null && start == 0 ? [] : newestFirst.Skip(start).Take(query.Limit).ToList();
                hasMore = start + page.Count < newestFirst.Count;
            }

            return Ok(new StripeList<PaymentIntentResource>([.. page.Select(intent => intent.ToResource())], hasMore, "/v1/payment_intents"));
        }
    }

    public RecordedResponse Retrieve(string id)
    {
        lock (gate)
        {
            return intents.TryGetValue(id, out var intent)
                ? Ok(intent.ToResource())
                : StripeError.NoSuch("payment_intent", id, "intent").ToResponse(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>The intent a client secret opens, as its hosted payment page shows it; null for a secret that opens none.</summary>
    public PaymentIntentResource? FindBySecret(string clientSecret)
    {
        lock (gate)
        {
            return bySecret.TryGetValue(clientSecret, out var intent) ? intent.ToResource() : null;
        }
    }

    /// <summary>
    /// The payer confirms the intent on its hosted page with a card of their own: the card alone decides the outcome
    /// (Stripe's decline test cards decline, any other succeeds), whatever the amount.
    /// </summary>
    public RecordedResponse ConfirmOnHostedPage(string clientSecret, string paymentMethod)
    {
        string id;
        lock (gate)
        {
            if (!bySecret.TryGetValue(clientSecret, out var intent))
                return StripeError.NoSuch("payment_intent", "(client secret)", "client_secret").ToResponse(StatusCodes.Status404NotFound);
            intent.ChosenByPayer = true;
            id = intent.Id;
        }
        return Confirm(id, paymentMethod, new StripeEventRequest(null, null));
    }

    public RecordedResponse Confirm(string id, string? paymentMethod, StripeEventRequest cause)
    {
        PaymentIntentResource processing;
        TimeSpan settlementDelay;
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
                return StripeError.NoSuch("payment_intent", id, "intent").ToResponse(StatusCodes.Status404NotFound);
            if (intent.Status is not (PaymentIntentStatus.RequiresPaymentMethod or PaymentIntentStatus.RequiresConfirmation))
            {
                return StripeError.InvalidRequest(
                    $"You cannot confirm this PaymentIntent because it has a status of {intent.Status}.",
                    "payment_intent_unexpected_state").ToResponse(StatusCodes.Status400BadRequest);
            }

            intent.PaymentMethod = paymentMethod ?? intent.PaymentMethod;
            if (intent.PaymentMethod is null)
            {
                return StripeError.InvalidRequest(
                    "You cannot confirm this PaymentIntent because it's missing a payment method.",
                    "parameter_missing", "payment_method").ToResponse(StatusCodes.Status400BadRequest);
            }

            var (arrangedFailure, arrangedDelay) = intent.ChosenByPayer ? (null, null) : rules.Take(intent.Metadata);
            intent.ArrangedFailure = arrangedFailure;
            settlementDelay = arrangedDelay ?? options.SettlementDelay;
            intent.Status = PaymentIntentStatus.Processing;
            intent.LastFailure = null;
            processing = intent.ToResource();
        }

        if (settlementDelay <= TimeSpan.Zero)
            return SettledResponse(Settle(id, cause));

        webhooks.Publish("payment_intent.processing", processing, cause);
        // Stripe's later events carry no request: nothing the client sent caused them directly.
        backgroundWork.RunAfter(settlementDelay, () => Settle(id, new StripeEventRequest(null, null)));
        return Ok(processing);
    }

    /// <summary>
    /// Cancels an intent nobody has paid yet, so no later confirmation can take the money. Once an intent is processing
    /// or has succeeded the refusal names its status, and the client has to wait for the outcome or refund instead.
    /// </summary>
    public RecordedResponse Cancel(string id, string? reason, StripeEventRequest cause)
    {
        PaymentIntentResource canceled;
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
                return StripeError.NoSuch("payment_intent", id, "intent").ToResponse(StatusCodes.Status404NotFound);
            if (!PaymentIntentStatus.IsCancellable(intent.Status))
            {
                return StripeError.InvalidRequest(
                    $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the " +
                    "following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action.",
                    "payment_intent_unexpected_state").ToResponse(StatusCodes.Status400BadRequest);
            }

            intent.Status = PaymentIntentStatus.Canceled;
            intent.CanceledAt = timeProvider.GetUtcNow();
            intent.CancellationReason = reason;
            canceled = intent.ToResource();
        }

        logger.LogInformation("Payment intent {PaymentIntentId} canceled ({CancellationReason})", id, reason ?? "no reason given");
        webhooks.Publish("payment_intent.canceled", canceled, cause);
        return Ok(canceled);
    }

    public RecordedResponse Refund(NewRefund request, StripeEventRequest cause)
    {
        RefundResource refunded;
        ChargeResource charge;
        lock (gate)
        {
            if (!intents.TryGetValue(request.PaymentIntentId, out var intent))
                return StripeError.NoSuch("payment_intent", request.PaymentIntentId, "payment_intent").ToResponse(StatusCodes.Status400BadRequest);
            if (intent.Status != PaymentIntentStatus.Succeeded || intent.LatestCharge is not { Paid: true } paid)
            {
                return StripeError.InvalidRequest(
                    "This PaymentIntent does not have a successful charge to refund.",
                    "payment_intent_unexpected_state", "payment_intent").ToResponse(StatusCodes.Status400BadRequest);
            }
            if (paid.Refundable == 0)
            {
                return StripeError.InvalidRequest($"Charge {paid.Id} has already been refunded.", "charge_already_refunded")
                    .ToResponse(StatusCodes.Status400BadRequest);
            }

            var amount = request.Amount ?? paid.Refundable;
            if (amount > paid.Refundable)
            {
                return StripeError.InvalidRequest(
                    $"Refund amount ({amount}) is greater than unrefunded amount on charge ({paid.Refundable})",
                    "amount_too_large", "amount").ToResponse(StatusCodes.Status400BadRequest);
            }

            var refund = new Refund(ResourceId.New("re"), amount, paid, request.Reason, request.Metadata, timeProvider.GetUtcNow(),
                rules.RefundsPending(intent.Metadata) ? "pending" : "succeeded");
            refunds.Add(refund.Id, refund);
            paid.AmountRefunded += amount;
            refunded = refund.ToResource();
            charge = paid.ToResource();
        }

        logger.LogInformation("Refund {RefundId} of {Amount} for payment intent {PaymentIntentId}", refunded.Id, refunded.Amount, refunded.PaymentIntent);
        webhooks.Publish("charge.refunded", charge, cause);
        return Ok(refunded);
    }

    /// <summary>
    /// Settles a pending refund as <c>succeeded</c> or <c>failed</c>. A failed refund gives the amount back to the charge,
    /// as Stripe lowers <c>amount_refunded</c>; either way the charge is reported again through <c>charge.refunded</c>,
    /// the event the platform's webhook reads refunds from.
    /// </summary>
    public RecordedResponse SettleRefund(string id, bool succeeded)
    {
        RefundResource settled;
        ChargeResource charge;
        lock (gate)
        {
            if (!refunds.TryGetValue(id, out var refund))
                return StripeError.NoSuch("refund", id, "id").ToResponse(StatusCodes.Status404NotFound);
            if (refund.Status != "pending")
                return StripeError.InvalidRequest($"Refund {id} is {refund.Status}, not pending.").ToResponse(StatusCodes.Status400BadRequest);

            refund = refund with { Status = succeeded ? "succeeded" : "failed" };
            refunds[id] = refund;
            if (!succeeded)
                refund.Charge.AmountRefunded -= refund.Amount;
            settled = refund.ToResource();
            charge = refund.Charge.ToResource();
        }

        logger.LogInformation("Refund {RefundId} of payment intent {PaymentIntentId} settled {Status}", settled.Id, settled.PaymentIntent, settled.Status);
        webhooks.Publish("charge.refunded", charge, new StripeEventRequest(null, null));
        return Ok(settled);
    }

    public RecordedResponse RetrieveRefund(string id)
    {
        lock (gate)
        {
            return refunds.TryGetValue(id, out var refund)
                ? Ok(refund.ToResource())
                : StripeError.NoSuch("refund", id, "id").ToResponse(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>
    /// The payer's bank returns a succeeded bank debit days later (an ACH return for insufficient funds): as Stripe
    /// reports it, the intent goes back to <c>requires_payment_method</c> and <c>payment_intent.payment_failed</c> is sent.
    /// </summary>
    public RecordedResponse Return(string id)
    {
        PaymentIntentResource returned;
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
                return StripeError.NoSuch("payment_intent", id, "intent").ToResponse(StatusCodes.Status404NotFound);
            if (intent.Status != PaymentIntentStatus.Succeeded || intent.LatestCharge is not { Paid: true })
                return StripeError.InvalidRequest("Only a succeeded payment can be returned.", "payment_intent_unexpected_state").ToResponse(StatusCodes.Status400BadRequest);

            intent.Status = PaymentIntentStatus.RequiresPaymentMethod;
            intent.LastFailure = PaymentOutcomes.Returned;
            returned = intent.ToResource();
        }

        logger.LogInformation("Payment intent {PaymentIntentId} returned by the bank", id);
        webhooks.Publish("payment_intent.payment_failed", returned, new StripeEventRequest(null, null));
        return Ok(returned);
    }

    /// <summary>The payer's bank disputes the intent's payment (<c>charge.dispute.created</c>, status <c>needs_response</c>).</summary>
    public RecordedResponse OpenDispute(string id)
    {
        DisputeResource opened;
        lock (gate)
        {
            if (!intents.TryGetValue(id, out var intent))
                return StripeError.NoSuch("payment_intent", id, "intent").ToResponse(StatusCodes.Status404NotFound);
            if (intent.LatestCharge is not { Paid: true } charge)
                return StripeError.InvalidRequest("Only a paid charge can be disputed.", "payment_intent_unexpected_state").ToResponse(StatusCodes.Status400BadRequest);

            var dispute = new Dispute(ResourceId.New("dp"), charge, timeProvider.GetUtcNow());
            disputes.Add(dispute.Id, dispute);
            opened = dispute.ToResource();
        }

        logger.LogInformation("Dispute {DisputeId} opened on payment intent {PaymentIntentId}", opened.Id, id);
        webhooks.Publish("charge.dispute.created", opened, new StripeEventRequest(null, null));
        return Ok(opened);
    }

    /// <summary>The dispute ends, <c>won</c> or <c>lost</c> (<c>charge.dispute.closed</c>).</summary>
    public RecordedResponse CloseDispute(string id, bool won)
    {
        DisputeResource closed;
        lock (gate)
        {
            if (!disputes.TryGetValue(id, out var dispute))
                return StripeError.NoSuch("dispute", id, "dispute").ToResponse(StatusCodes.Status404NotFound);
            if (dispute.Status is "won" or "lost")
                return StripeError.InvalidRequest($"Dispute {id} is already closed.", "dispute_already_closed").ToResponse(StatusCodes.Status400BadRequest);

            dispute.Status = won ? "won" : "lost";
            closed = dispute.ToResource();
        }

        logger.LogInformation("Dispute {DisputeId} closed: {Status}", id, closed.Status);
        webhooks.Publish("charge.dispute.closed", closed, new StripeEventRequest(null, null));
        return Ok(closed);
    }

    Settlement Settle(string id, StripeEventRequest cause)
    {
        Settlement settlement;
        lock (gate)
        {
            var intent = intents[id];
            var failure = intent.ChosenByPayer ? PaymentOutcomes.ForCard(intent.PaymentMethod!)
                : intent.ArrangedFailure ?? PaymentOutcomes.For(intent.Amount, intent.PaymentMethod!);
            var charge = new Charge(ResourceId.New("ch"), intent, failure, timeProvider.GetUtcNow());
            intent.LatestCharge = charge;
            intent.LastFailure = failure;
            intent.Status = failure is null ? PaymentIntentStatus.Succeeded : PaymentIntentStatus.RequiresPaymentMethod;
            settlement = new Settlement(intent.ToResource(), charge.Id, failure);
        }

        if (settlement.Failure is null)
        {
            logger.LogInformation("Payment intent {PaymentIntentId} succeeded", id);
            webhooks.Publish("payment_intent.succeeded", settlement.Intent, cause);
        }
        else
        {
            logger.LogInformation("Payment intent {PaymentIntentId} failed: {FailureCode}", id, settlement.Failure.DeclineCode ?? settlement.Failure.Code);
            webhooks.Publish("payment_intent.payment_failed", settlement.Intent, cause);
        }
        return settlement;
    }

    // A card failure on confirmation is an HTTP 402 carrying the intent, as Stripe answers it.
    static RecordedResponse SettledResponse(Settlement settlement) => settlement.Failure is null
        ? Ok(settlement.Intent)
        : new StripeError("card_error", settlement.Failure.Message, settlement.Failure.Code)
        {
            DeclineCode = settlement.Failure.DeclineCode,
            Charge = settlement.ChargeId,
            PaymentIntent = settlement.Intent,
        }.ToResponse(StatusCodes.Status402PaymentRequired);

    static RecordedResponse Ok(object resource) => RecordedResponse.Json(StatusCodes.Status200OK, resource, SimulatorJson.SnakeCase);

    sealed record Settlement(PaymentIntentResource Intent, string ChargeId, PaymentFailure? Failure);
}
