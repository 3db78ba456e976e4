using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Testing;

/// <summary>
/// A real SMTP server: npm's maildev (installed in tests/peers by scripts/test.sh), started as a child process on free
/// ports, bound to 127.0.0.1. What it received is read back through its REST API. A class fixture as it is, or started
/// by <see cref="StartAsync"/> for a run of its own.
/// </summary>
public sealed class MailDev : IAsyncLifetime
{
    readonly ProcessOutput _output = new();
    readonly string[] _arguments = [];
    Process? _process;

    public MailDev()
    {
    }

    MailDev(string[] arguments) => _arguments = arguments;

    public int SmtpPort { get; } = FreePort.Next();
    public int WebPort { get; } = FreePort.Next();
    public HttpClient Http { get; private set; } = null!;
    public string Output => _output.ToString();

    /// <param name="arguments">More of maildev's options, such as <c>--incoming-user</c> and <c>--incoming-pass</c>.</param>
    public static async Task<MailDev> StartAsync(params string[] arguments)
    {
        var mailDev = new MailDev(arguments);
        try
        {
            await mailDev.InitializeAsync();
            return mailDev;
        }
        catch
        {
            await mailDev.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        var peers = Path.Combine(Repository.Root, "tests", "peers");
        var maildev = Path.Combine(peers, "node_modules", "maildev", "bin", "maildev");
        if (!File.Exists(maildev))
            throw new InvalidOperationException($"maildev is not installed: run `npm ci` in {peers} (scripts/test.sh does).");

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { maildev, "--smtp", $"{SmtpPort}", "--web", $"{WebPort}", "--ip", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = peers,
        };
        foreach (var argument in _arguments)
            start.ArgumentList.Add(argument);
        var process = _process = Process.Start(start) ?? throw new InvalidOperationException("maildev did not start.");
        _output.Capture(process);

        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.HoldsAsync(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"maildev exited during start-up:\n{Output}");
            return (await Http.GetAsync("/email")).IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "maildev answers");
    }

    /// <summary>Every email received so far, as maildev's <c>GET /email</c> returns them.</summary>
    public async Task<List<JsonElement>> EmailsAsync() => (await Http.GetFromJsonAsync<List<JsonElement>>("/email"))!;

    /// <summary>The emails received so far that are addressed to <paramref name="address"/>.</summary>
    public async Task<List<JsonElement>> EmailsToAsync(string address) =>
        (await EmailsAsync())
            .Where(e => e.GetProperty("to").EnumerateArray()
                .Any(to => string.Equals(to.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    /// <summary>The emails to one recipient, once at least <paramref name="atLeast"/> have arrived (or 10 s have passed).</summary>
    public async Task<List<JsonElement>> WaitForEmailsToAsync(string address, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var emails = await EmailsToAsync(address);
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
}
