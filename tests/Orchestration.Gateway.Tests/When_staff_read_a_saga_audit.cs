using Orchestration.Messages.Operations;

namespace Orchestration.Gateway.Tests;

/// <summary>
/// The saga audit the endpoints ship is readable by any staff member: an instance's steps in order however their batches
/// arrive, each step once; a failed message names its conversation and saga instance, and one conversation lists its saga
/// steps and failed messages together.
/// </summary>
public sealed class When_staff_read_a_saga_audit(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static SagaStep Step(Guid saga, int version, Guid conversation, string? before, string after) => new()
    {
        StepId = NewId.NextGuid(),
        Endpoint = "leasing",
        SagaType = "LeaseSigningState",
        CorrelationId = saga,
        Version = version,
        At = DateTimeOffset.UtcNow.AddSeconds(version - 10),
        Outcome = version == 1 ? SagaStepOutcome.Created : SagaStepOutcome.Updated,
        MessageId = NewId.NextGuid(),
        MessageType = "Orchestration.Messages.Leasing.Step" + version,
        ConversationId = conversation,
        StateBefore = before,
        StateAfter = after,
        Changes = [new SagaPropertyChange { Name = "Attempts", Before = version == 1 ? null : $"{version - 1}", After = $"{version}" }],
        Timeouts = version == 2
            ? [new SagaTimeout { Action = SagaTimeoutAction.Requested, TokenId = saga, MessageType = "LeaseOfferExpired", DueAt = DateTimeOffset.UtcNow.AddDays(3) }]
            : [],
        Sent = [new SagaSentMessage { MessageId = NewId.NextGuid(), MessageType = "RequestScreening", Destination = "queue:leasing-screening" }],
    };

    static FailedMessageChanged Failed(Guid messageId, Guid conversation, Guid saga) => new()
    {
        MessageId = messageId,
        Version = 1,
        Status = "Unresolved",
        MessageType = "urn:message:Orchestration.Messages.Leasing:TenantSigned",
        Endpoint = "leasing",
        InputQueue = "lease-signing-state",
        Host = "leasing-1",
        ExceptionType = "System.InvalidOperationException",
        ExceptionMessage = "The lease is not awaiting a signature",
        StackTrace = "at LeaseSigningStateMachine",
        ExceptionGroup = "0123456789abcdef",
        Headers = new Dictionary<string, string> { [SagaAuditHeaders.SagaType] = "LeaseSigningState", [SagaAuditHeaders.SagaId] = saga.ToString() },
        Body = JsonSerializer.Serialize(new { messageId, conversationId = conversation, message = new { leaseId = saga } }),
        FirstFailedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        LastFailedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        TimesFailed = 1,
    };

    async Task ShipAsync(object message)
    {
        var id = NewId.NextGuid();
        await Gateway.PublishAsync(message, id);
        await Gateway.ConsumedAsync(id, $"{message.GetType().Name} projected");
    }

    [Fact]
    public async Task Should_list_an_instance_in_order_once_with_its_failed_message_and_its_conversation()
    {
        var (saga, conversation, failedId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var steps = new[] { Step(saga, 1, conversation, null, "Screening"), Step(saga, 2, conversation, "Screening", "AwaitingTenantSignature"),
            Step(saga, 3, conversation, "AwaitingTenantSignature", "AwaitingTenantSignature") };
        await ShipAsync(new SagaStepsRecorded { Endpoint = "leasing", Steps = [steps[2], steps[0]] });
        await ShipAsync(new SagaStepsRecorded { Endpoint = "leasing", Steps = [steps[1], steps[0]] });
        await ShipAsync(Failed(failedId, conversation, saga));

        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var trail = await accountant.GetJsonAsync($"/api/operations/sagas/LeaseSigningState/{saga}");
        var items = trail.GetProperty("steps").GetProperty("items").EnumerateArray().ToList();
        items.Select(s => s.GetProperty("version").GetInt32()).ShouldBe([1, 2, 3], "each step once, in the order it happened");
        items[1].GetProperty("stateBefore").GetString().ShouldBe("Screening");
        items[1].GetProperty("stateAfter").GetString().ShouldBe("AwaitingTenantSignature");
        items[1].GetProperty("changes")[0].GetProperty("name").GetString().ShouldBe("Attempts");
        items[1].GetProperty("timeouts")[0].GetProperty("action").GetString().ShouldBe("Requested");
        items[1].GetProperty("sent")[0].GetProperty("messageType").GetString().ShouldBe("RequestScreening");
        trail.GetProperty("failedMessages").EnumerateArray().ShouldHaveSingleItem().GetProperty("messageId").GetGuid().ShouldBe(failedId);

        var detail = (await accountant.GetJsonAsync($"/api/operations/failed-messages/{failedId}")).GetProperty("message");
        detail.GetProperty("conversationId").GetGuid().ShouldBe(conversation);
        detail.GetProperty("sagaType").GetString().ShouldBe("LeaseSigningState");
        detail.GetProperty("sagaId").GetGuid().ShouldBe(saga);

        var thread = await accountant.GetJsonAsync($"/api/operations/conversations/{conversation}");
        thread.GetProperty("sagaSteps").GetArrayLength().ShouldBe(3);
        thread.GetProperty("failedMessages").EnumerateArray().ShouldHaveSingleItem().GetProperty("messageId").GetGuid().ShouldBe(failedId);
    }

    [Fact]
    public async Task Should_answer_not_found_for_an_unknown_instance_or_conversation_and_refuse_bad_paging_or_no_sign_in()
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        await (await accountant.GetAsync($"/api/operations/sagas/LeaseSigningState/{Guid.NewGuid()}")).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        await (await accountant.GetAsync($"/api/operations/conversations/{Guid.NewGuid()}")).ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        await (await accountant.GetAsync($"/api/operations/sagas/LeaseSigningState/{Guid.NewGuid()}?limit=0")).ShouldNameFieldAsync("limit", "a zero limit");
        await (await Gateway.Anonymous().GetAsync($"/api/operations/sagas/LeaseSigningState/{Guid.NewGuid()}"))
            .ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
    }
}
