namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>Staff sign-in settings, bound from <c>Gateway:Security</c>. Every value has a safe default.</summary>
public sealed class GatewaySecurityOptions
{
    public const string Section = "Gateway:Security";

    /// <summary>How long a portal session lasts without a request; each request past half of it extends it again.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a portal session lasts at most after sign-in, however busy; then the staff member signs in again.</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(12);

    public string CookieName { get; set; } = "orchestration.staff";

    /// <summary>The longest life an API token may be given; also the life of a token requested without one.</summary>
    public TimeSpan TokenMaxLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Password hashes computed at once (sign-in, password changes, new users); more wait their turn. Each costs about a
    /// tenth of a second of one core, so this keeps a flood of sign-ins from taking every core.
    /// </summary>
    public int MaxConcurrentPasswordChecks { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    public LoginRateLimitOptions LoginRateLimit { get; set; } = new();

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

/// <summary>
/// How sign-in attempts are slowed, in three layers, each answered with 429 and <c>Retry-After</c> before any password is
/// checked. Client addresses are counted as the Gateway sees them after <see cref="GatewayProxyOptions"/>: IPv4 addresses
/// one by one, IPv6 per /64, and 127.0.0.1 and ::1 as one.
/// <list type="bullet">
/// <item>Per client address and email: <see cref="PerEmailAndAddress"/> failures cost nothing, each further failure makes
/// the next attempt wait <see cref="FirstDelay"/>, then twice as long each time, up to <see cref="MaxDelay"/>. A success
/// forgets the failures; so does an <see cref="EmailWindow"/> without one.</item>
/// <item>Per client address: <see cref="PerAddress"/> attempts per <see cref="Window"/>, successes not counted; refused
/// requests (no or unreadable body, missing or over-long fields) count too.</item>
/// <item>Per email: <see cref="PerEmail"/> failures per <see cref="EmailWindow"/> from all addresses together; past it only
/// addresses the account signed in from (in the last 30 days) may still try.</item>
/// </list>
/// The counts live in this process (each Gateway instance counts what it receives) and are bounded by
/// <see cref="MaxTrackedKeys"/>; when that many are in use, an attempt that would need a new count is refused until old
/// ones are dropped.
/// </summary>
public sealed class LoginRateLimitOptions
{
    public int PerEmailAndAddress { get; set; } = 5;
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    public int PerAddress { get; set; } = 20;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public int PerEmail { get; set; } = 100;
    public TimeSpan EmailWindow { get; set; } = TimeSpan.FromHours(1);

    public int MaxTrackedKeys { get; set; } = 100_000;
}

/// <summary>
/// The reverse proxies in front of the Gateway, bound from <c>Gateway:Proxies</c>. Only a request whose socket peer is
/// one of them has its <c>X-Forwarded-For</c> (the client's address, used by the sign-in and webhook limits) and
/// <c>X-Forwarded-Proto</c> (HTTPS, which makes the session cookie <c>Secure</c>) believed; with none configured, the
/// default, both headers are ignored.
/// </summary>
public sealed class GatewayProxyOptions
{
    public const string Section = "Gateway:Proxies";

    /// <summary>Proxy addresses, such as <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are trusted: the number of entries taken from the end of <c>X-Forwarded-For</c>.</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>
/// The administrator created at start-up when no user has this email yet, so that a new installation can be signed in to.
/// Both <see cref="Email"/> and <see cref="Password"/> come from configuration or the environment; without an email nobody is created.
/// </summary>
public sealed class BootstrapAdminOptions
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string DisplayName { get; set; } = "Administrator";
}
