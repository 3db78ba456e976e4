using System.Net;
using System.Net.Sockets;

namespace Orchestration.Testing;

public static class FreePort
{
    /// <summary>A loopback port nothing listens on right now, for what must know its port before anything binds it.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
