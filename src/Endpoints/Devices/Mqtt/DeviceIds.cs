using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// Ids derived from what caused them (a device's message, a lease's command), so that handling the same cause again
/// yields the same bus message id and the same command id, which the receivers deduplicate.
/// </summary>
public static class DeviceIds
{
    public static Guid From(params object[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        return new Guid(hash.AsSpan(0, 16));
    }
}
