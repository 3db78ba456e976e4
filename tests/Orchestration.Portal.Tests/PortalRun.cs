namespace Orchestration.Portal.Tests;

/// <summary>
/// The standalone host as its own process on a fresh SQLite file (its simulated providers inside it, on ports chosen
/// here), and Debian's Chromium driven by Playwright (never a downloaded browser). One run serves every test class of
/// the <see cref="PortalCollection"/>; each test opens its own browser context, so sign-ins do not leak between tests.
/// </summary>
public sealed class PortalRun : IAsyncLifetime
{
    public const string Password = "portal-tests-password";
    public const string ManagerEmail = "manager@example.test";
    public const string AdminEmail = "admin@example.test";

    readonly string _database = Path.Combine(Path.GetTempPath(), $"orchestration-portal-{Guid.NewGuid():N}.db");
    IPlaywright? _playwright;
    IBrowser? _browser;

    /// <summary>The host's port; chosen again if another process took one of the run's ports before the host bound it.</summary>
    public int Port { get; private set; }

    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public EndpointProcess Host { get; private set; } = null!;

    /// <summary>The simulated SendGrid the host sends its emails to; its <c>/_sim/mail</c> controls make sends fail.</summary>
    public Uri Mail { get; private set; } = null!;

    readonly string _mailKey = $"SG.{Guid.NewGuid():N}";

    /// <summary>The simulated maintenance vendors (<c>/_sim/vendors/{name}</c> tells one how to answer) and the embedded MQTT broker's port.</summary>
    public Uri Vendors { get; private set; } = null!;

    public int MqttPort { get; private set; }

    EndpointProcess NewHost()
    {
        Port = FreePort.Next();
        var host = $"http://127.0.0.1:{Port}";
        var (payments, esign, screening, mail, vendors) = (Loopback(), Loopback(), Loopback(), Loopback(), Loopback());
        Mail = new Uri(mail);
        (Vendors, MqttPort) = (new Uri(vendors), FreePort.Next());
        return new EndpointProcess(Path.Combine(Repository.Root, "src/Endpoints/Standalone", "bin", Repository.Configuration, "net10.0",
            "Orchestration.Endpoints.Standalone.dll"), new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = $"Data Source={_database}",
            ["Demo__Password"] = Password,
            ["Simulators__Payments__Url"] = payments,
            ["Simulators__Payments__Webhook__Url"] = $"{host}/webhooks/payments",
            ["Simulators__ESignature__Url"] = esign,
            ["Simulators__ESignature__Webhook__Url"] = $"{host}/webhooks/esign",
            ["Simulators__ESignature__AutoSignAfter"] = "00:00:01",
            ["Simulators__Screening__Url"] = screening,
            ["Simulators__Screening__Webhook__Url"] = $"{host}/webhooks/screening",
            ["Simulators__Screening__DecisionDelay"] = "00:00:01",
            ["Simulators__Mail__Url"] = mail,
            ["Simulators__Mail__ApiKey"] = _mailKey,
            // Emails go through the simulated SendGrid, so a test can make their consumer fail: one attempt per send, and a
            // SendGrid outage moved aside at once (no retries to wait out) for the failed-message pages to show.
            ["Notifications__Provider"] = "SendGrid",
            ["Notifications__SendGrid__BaseUrl"] = mail,
            ["Notifications__SendGrid__ApiKey"] = _mailKey,
            ["Notifications__SendGrid__Resilience__MaxAttempts"] = "1",
            ["Recoverability__Unrecoverable__0"] = "Orchestration.Endpoints.Notifications.Sending.EmailProviderUnavailableException",
            // Parked failures are read twice a second, and a retried message that does not fail again within two seconds
            // counts as resolved: its one attempt fails at once or not at all here.
            ["Operations__Ingestion__PollInterval"] = "00:00:00.500",
            ["Operations__Retry__ResolveAfter"] = "00:00:02",
            ["Devices__Mqtt__Port"] = MqttPort.ToString(CultureInfo.InvariantCulture),
            ["Simulators__Vendors__Url"] = vendors,
            ["Simulators__Vendors__PlatformApiUrl"] = host,
            ["Leasing__Screening__BaseUrl"] = screening,
            ["Leasing__ESignature__BaseUrl"] = esign,
            ["Billing__Payments__BaseUrl"] = payments,
            ["Logging__LogLevel__Default"] = "Warning",
        }, Port);
    }

    /// <summary>
    /// Starts the host; the seven ports it binds are free when chosen, but other test runs on the machine bind ports too,
    /// so a start that lost one of them to another process is tried again on new ones.
    /// </summary>
    async Task StartHostAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Host = NewHost();
            try
            {
                await Host.StartAsync();
                return;
            }
            catch (InvalidOperationException exited) when (attempt < 3 && exited.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                await Host.DisposeAsync();
            }
        }
    }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser starts with the run.");

    public async Task InitializeAsync()
    {
        var start = StartHostAsync();
        // Assertions wait as long as actions do: the first page of a fresh host renders slowly on a busy machine.
        SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        await start;
    }

    /// <summary>A new browser context (its own cookies) on the portal, in a time zone other than the server's.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            TimezoneId = "Europe/Berlin",
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens the portal, signs in through its sign-in page and waits for the dashboard.</summary>
    public async Task<IPage> SignInAsync(string email, string password = Password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        // The page focuses the email field once it is interactive, a round trip after it shows: a field filled before then
        // would lose the focus to it halfway through.
        await Expect(page.GetByLabel("Email")).ToBeFocusedAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>An API client signed in with the staff cookie, for what a test prepares without the browser.</summary>
    public async Task<StaffApi> ApiAsync(string email, string password = Password) => await StaffApi.SignInAsync(Address, email, password);

    /// <summary>Writes the page as it looks now to <c>docs/screenshots/{name}.png</c>, where the README links it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(Repository.Root, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = false });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_database)!, Path.GetFileNameWithoutExtension(_database) + ".*"))
            File.Delete(file);
    }

    static string Loopback() => $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalRun>
{
    public const string Name = "portal";
}
