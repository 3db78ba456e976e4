using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// Posts a work-order event to a vendor's callback URL: <c>{"id","type","createdAt","workOrder":{…}}</c>, signed with
/// <see cref="VendorWebhookSignature"/>, the event id repeated in <c>X-Event-Id</c> and <c>Idempotency-Key</c>. The
/// client's resilience handler may post it more than once; the vendor drops repeats by the event id.
/// </summary>
public sealed class VendorWebhookClient(HttpClient http, TimeProvider time)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="workOrderJson">The event's <c>workOrder</c> object, as JSON.</param>
    public async Task SendAsync(Vendor vendor, Guid eventId, string type, string workOrderJson, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var workOrder = JsonDocument.Parse(workOrderJson);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { id = eventId, type, createdAt = now, workOrder = workOrder.RootElement }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, vendor.CallbackUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(VendorWebhookSignature.Header, VendorWebhookSignature.Sign(vendor.SigningSecret, now, body));
        request.Headers.Add("X-Event-Id", eventId.ToString());
        request.Headers.Add("Idempotency-Key", eventId.ToString());

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new VendorUnavailableException(vendor.VendorId, exception.Message, exception);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
                return;
            if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                throw new VendorUnavailableException(vendor.VendorId, $"HTTP {(int)response.StatusCode}");
            throw new VendorRejectedWebhookException(vendor.VendorId, (int)response.StatusCode);
        }
    }
}

/// <summary>The vendor refused the call (a 4xx other than 408/429, such as a signature it does not accept): the same call cannot succeed.</summary>
public sealed class VendorRejectedWebhookException(Guid vendorId, int status)
    : Exception($"Vendor {vendorId} refused the webhook with HTTP {status}.")
{
    public int Status { get; } = status;
}

/// <summary>The vendor did not answer usefully (5xx, 408, 429, no connection); the recoverability policy retries.</summary>
public sealed class VendorUnavailableException(Guid vendorId, string message, Exception? inner = null)
    : Exception($"Vendor {vendorId} is unavailable: {message}", inner);

/// <summary>A dispatch names a vendor the registry does not have; no retry will find it.</summary>
public sealed class VendorNotRegisteredException(Guid vendorId) : Exception($"Vendor {vendorId} is not registered.");
