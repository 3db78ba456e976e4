using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Simulators.ESignature;

internal sealed record NewEnvelope(
    string DocumentName, byte[] DocumentContent, Party Signer, Party Countersigner, string? Reference, Uri? CallbackUrl, Dictionary<string, string> Metadata);

/// <summary>
/// The provider's envelopes and their life: sent → signed (tenant) → completed (landlord countersigned), or declined
/// by the signer, or voided by the sender before completion. Every change is a webhook.
/// </summary>
internal sealed class EnvelopeDesk(
    ESignatureSimulatorOptions options,
    ProviderWebhooks webhooks,
    BackgroundWork backgroundWork,
    TimeProvider timeProvider,
    ILogger<EnvelopeDesk> logger)
{
    readonly Lock gate = new();
    readonly Dictionary<string, Envelope> envelopes = new(StringComparer.Ordinal);

    public RecordedResponse Create(NewEnvelope request, Uri simulatorBaseUrl)
    {
        var id = ResourceId.New("env");
        var token = ResourceId.New("tok", 32);
        var envelope = new Envelope(id, request.DocumentName, Convert.ToHexStringLower(SHA256.HashData(request.DocumentContent)),
            request.Signer, request.Countersigner, timeProvider.GetUtcNow())
        {
            SigningToken = token,
            SigningUrl = new Uri(simulatorBaseUrl, $"sign/{id}?token={token}"),
            Reference = request.Reference,
            CallbackUrl = request.CallbackUrl,
            Metadata = request.Metadata,
        };
        EnvelopeResource sent;
        lock (gate)
        {
            envelopes.Add(id, envelope);
            sent = envelope.ToResource();
        }

        logger.LogInformation("Envelope {EnvelopeId} sent for signature", id);
        webhooks.Publish("envelope.sent", "envelope", sent, envelope.CallbackUrl);
        if (options.AutoSignAfter is { } delay)
            backgroundWork.RunAfter(delay, () => SignOrDeclineAutomatically(id, request.Signer));
        return RecordedResponse.Json(StatusCodes.Status201Created, sent, SimulatorJson.CamelCase);
    }

    public RecordedResponse Retrieve(string id)
    {
        lock (gate)
        {
            return envelopes.TryGetValue(id, out var envelope)
                ? RecordedResponse.Json(StatusCodes.Status200OK, envelope.ToResource(), SimulatorJson.CamelCase)
                : ProviderError.NotFound("envelope", id).ToResponse(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>The envelope, when <paramref name="token"/> is the one in its signing URL.</summary>
    public EnvelopeResource? FindForSigner(string id, string? token)
    {
        lock (gate)
        {
            return token is not null && envelopes.TryGetValue(id, out var envelope)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(envelope.SigningToken), Encoding.UTF8.GetBytes(token))
                ? envelope.ToResource()
                : null;
        }
    }

    public RecordedResponse Sign(string id)
    {
        var response = Transition(id, "envelope.signed", [EnvelopeStatus.Sent], (envelope, now) =>
        {
            envelope.Status = EnvelopeStatus.Signed;
            envelope.SignedAt = now;
        });
        if (response.StatusCode == StatusCodes.Status200OK && options.AutoCountersignAfter is { } delay)
            backgroundWork.RunAfter(delay, () => Countersign(id));
        return response;
    }

    public RecordedResponse Countersign(string id) =>
        Transition(id, "envelope.completed", [EnvelopeStatus.Signed], (envelope, now) =>
        {
            envelope.Status = EnvelopeStatus.Completed;
            envelope.CountersignedAt = now;
        });

    public RecordedResponse Decline(string id, string? reason) =>
        Transition(id, "envelope.declined", [EnvelopeStatus.Sent], (envelope, _) =>
        {
            envelope.Status = EnvelopeStatus.Declined;
            envelope.DeclineReason = reason ?? "The signer declined to sign.";
        });

    public RecordedResponse Void(string id, string? reason) =>
        Transition(id, "envelope.voided", [EnvelopeStatus.Sent, EnvelopeStatus.Signed], (envelope, _) =>
        {
            envelope.Status = EnvelopeStatus.Voided;
            envelope.VoidReason = reason ?? "Voided by the sender.";
        });

    // Lets a test or a demo choose the signer's answer when it makes up the signer.
    void SignOrDeclineAutomatically(string id, Party signer)
    {
        if (signer.Email.Contains("decline", StringComparison.OrdinalIgnoreCase))
            Decline(id, reason: null);
        else
            Sign(id);
    }

    RecordedResponse Transition(string id, string eventType, string[] allowedFrom, Action<Envelope, DateTimeOffset> change)
    {
        EnvelopeResource changed;
        Uri? callbackUrl;
        lock (gate)
        {
            if (!envelopes.TryGetValue(id, out var envelope))
                return ProviderError.NotFound("envelope", id).ToResponse(StatusCodes.Status404NotFound);
            if (!allowedFrom.Contains(envelope.Status))
            {
                return new ProviderError("invalid_state", $"Envelope {id} is {envelope.Status}; this needs it to be {string.Join(" or ", allowedFrom)}.")
                    .ToResponse(StatusCodes.Status409Conflict);
            }

            var now = timeProvider.GetUtcNow();
            change(envelope, now);
            envelope.UpdatedAt = now;
            changed = envelope.ToResource();
            callbackUrl = envelope.CallbackUrl;
        }

        logger.LogInformation("Envelope {EnvelopeId} is now {Status}", id, changed.Status);
        webhooks.Publish(eventType, "envelope", changed, callbackUrl);
        return RecordedResponse.Json(StatusCodes.Status200OK, changed, SimulatorJson.CamelCase);
    }
}
