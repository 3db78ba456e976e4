using System.Net;
using System.Net.Sockets;

namespace Orchestration.Simulators.Tests.Infrastructure;

internal static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now, for tests that must know the port before anything binds it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
