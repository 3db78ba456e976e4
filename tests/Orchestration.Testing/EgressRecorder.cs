using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestration.Testing;

/// <summary>
/// A forward proxy on loopback that records and refuses every connection made through it. A process started with
/// <see cref="ProxySettings"/> sends all its HTTP traffic to hosts other than loopback here, so a test can show that
/// it reaches no host it was not configured for.
/// </summary>
public sealed class EgressRecorder : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly List<string> _requests = [];
    readonly Task _accepting;

    public EgressRecorder()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The first line of every request that tried to leave the machine (<c>CONNECT host:443 …</c>).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    /// <summary>Environment for a child process: HTTP(S) to any host but loopback goes through this recorder.</summary>
    public Dictionary<string, string> ProxySettings()
    {
        var proxy = $"http://127.0.0.1:{Port}";
        return new Dictionary<string, string>
        {
            ["HTTP_PROXY"] = proxy,
            ["HTTPS_PROXY"] = proxy,
            ["ALL_PROXY"] = proxy,
            ["NO_PROXY"] = "127.0.0.1,localhost,::1",
        };
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = RefuseAsync(client);
        }
    }

    async Task RefuseAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var line = await reader.ReadLineAsync(_stop.Token) ?? "";
                lock (_requests)
                    _requests.Add(line);
                await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
