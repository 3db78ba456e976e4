using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestration.Testing;

namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real SMTP server: npm's maildev from tests/peers, as a child process on free loopback ports. What it received is
/// read back through its REST API.
/// </summary>
public sealed class MailDev : IAsyncDisposable
{
    readonly StringBuilder _output = new();
    readonly Process _process;

    MailDev(Process process, int smtpPort, int webPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SmtpPort { get; }
    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static async Task<MailDev> StartAsync()
    {
        var peers = Path.Combine(Repository.Root, "tests", "peers");
        var maildev = Path.Combine(peers, "node_modules", "maildev", "bin", "maildev");
        if (!File.Exists(maildev))
            throw new InvalidOperationException($"maildev is not installed: run `npm ci` in {peers} (scripts/test.sh does).");

        var (smtpPort, webPort) = (EndpointProcess.FreePort(), EndpointProcess.FreePort());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { maildev, "--smtp", $"{smtpPort}", "--web", $"{webPort}", "--ip", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = peers,
        };
        var mailDev = new MailDev(Process.Start(start) ?? throw new InvalidOperationException("maildev did not start."), smtpPort, webPort);
        mailDev._process.OutputDataReceived += (_, e) => mailDev.Append(e.Data);
        mailDev._process.ErrorDataReceived += (_, e) => mailDev.Append(e.Data);
        mailDev._process.BeginOutputReadLine();
        mailDev._process.BeginErrorReadLine();

        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                if (mailDev._process.HasExited)
                    throw new InvalidOperationException($"maildev exited during start-up:\n{mailDev.Output}");
                return (await mailDev.Http.GetAsync("/email")).IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30), "maildev answers");
        }
        catch
        {
            await mailDev.DisposeAsync();
            throw;
        }

        return mailDev;
    }

    /// <summary>The emails received so far that are addressed to <paramref name="address"/>.</summary>
    public async Task<List<JsonElement>> EmailsToAsync(string address) =>
        (await Http.GetFromJsonAsync<List<JsonElement>>("/email"))!
            .Where(e => e.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
