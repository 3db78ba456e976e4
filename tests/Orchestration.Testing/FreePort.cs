using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orchestration.Testing;

/// <summary>
/// Loopback ports for what must know its port before anything binds it (a host started as a process, a simulator whose
/// address another process is given). They are taken below the kernel's ephemeral range: a port the kernel handed out
/// for port 0 is free at that moment, but the kernel may give the same port to the next outgoing connection (to the
/// database, the broker, another test's host) before our server binds it, which then fails with "address already in
/// use". Each test process starts at a random place in the range and moves on, so two processes seldom try the same
/// port, and a port something listens on is skipped.
/// </summary>
public static class FreePort
{
    const int Lowest = 20_000;

    static readonly int Highest = EphemeralRangeStart() - 1;

    static int _next = Lowest + Random.Shared.Next(Math.Max(1, Highest - Lowest));

    /// <summary>A loopback port nothing listens on right now, outside the range outgoing connections take theirs from.</summary>
    public static int Next()
    {
        if (Highest <= Lowest)
            return FromKernel();

        for (var tries = 0; tries < 1000; tries++)
        {
            var port = Lowest + (int)((uint)(Interlocked.Increment(ref _next) - Lowest) % (uint)(Highest - Lowest + 1));
            if (Listenable(port))
                return port;
        }

        return FromKernel();
    }

    static bool Listenable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static int FromKernel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Linux says where its ephemeral ports start; elsewhere the IANA range's start is assumed.
    static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
