using System.Net;
using System.Net.Sockets;

namespace Orchestration.Testing;

/// <summary>
/// A TCP relay on loopback in front of a real server. Cutting it refuses new connections and drops open ones, as a
/// server outage would, for one process only: the server itself, and every other test using it, carry on.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    readonly string _targetHost;
    readonly int _targetPort;
    readonly List<TcpClient> _open = [];
    TcpListener? _listener;
    CancellationTokenSource _cut = new();
    Task _accepting = Task.CompletedTask;

    public TcpRelay(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        Port = FreePort.Next();
        Restore();
    }

    public int Port { get; }

    /// <summary>Closes the listener and every relayed connection.</summary>
    public async Task CutAsync()
    {
        await _cut.CancelAsync();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }

        await _accepting;
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _accepting = AcceptAsync(_listener, _cut.Token);
    }

    async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception) when (cut.IsCancellationRequested)
            {
                return;
            }

            _ = RelayAsync(inbound, cut);
        }
    }

    async Task RelayAsync(TcpClient inbound, CancellationToken cut)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, cut);
            var up = inbound.GetStream().CopyToAsync(outbound.GetStream(), cut);
            var down = outbound.GetStream().CopyToAsync(inbound.GetStream(), cut);
            await Task.WhenAny(up, down);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _cut.Dispose();
    }
}
