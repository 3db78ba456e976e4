using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>
/// A real SMTP server: npm's maildev (installed in tests/peers by scripts/test.sh), started as a child process on free
/// ports, bound to 127.0.0.1. What it received is read back through its REST API.
/// </summary>
public sealed class MailDev : IAsyncLifetime
{
    readonly StringBuilder _output = new();
    Process? _process;

    public int SmtpPort { get; } = FreePort.Next();
    public int WebPort { get; } = FreePort.Next();
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var peers = Path.Combine(Repository.Root, "tests", "peers");
        var maildev = Path.Combine(peers, "node_modules", "maildev", "bin", "maildev");
        if (!File.Exists(maildev))
            throw new InvalidOperationException($"maildev is not installed: run `npm install` in {peers} (scripts/test.sh does).");

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { maildev, "--smtp", $"{SmtpPort}", "--web", $"{WebPort}", "--ip", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = peers,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("maildev did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"maildev exited during start-up:\n{Output}");
            try
            {
                if ((await Http.GetAsync("/email")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"maildev was not ready within 20 s:\n{Output}");
    }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Every email received so far, as maildev's <c>GET /email</c> returns them.</summary>
    public async Task<List<JsonElement>> EmailsAsync() => (await Http.GetFromJsonAsync<List<JsonElement>>("/email"))!;

    /// <summary>The emails to one recipient, once at least <paramref name="atLeast"/> have arrived.</summary>
    public async Task<List<JsonElement>> EmailsToAsync(string address, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var emails = (await EmailsAsync())
                .Where(e => e.GetProperty("to").EnumerateArray().Any(to => to.GetProperty("address").GetString() == address))
                .ToList();
            if (emails.Count >= atLeast || DateTime.UtcNow > deadline)
                return emails;
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
