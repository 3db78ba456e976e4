namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>Staff sign-in settings, bound from <c>Gateway:Security</c>. Every value has a safe default.</summary>
public sealed class GatewaySecurityOptions
{
    public const string Section = "Gateway:Security";

    /// <summary>How long a portal session lasts without a request; each request past half of it extends it again.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);

    public string CookieName { get; set; } = "orchestration.staff";

    /// <summary>The longest life an API token may be given; also the life of a token requested without one.</summary>
    public TimeSpan TokenMaxLifetime { get; set; } = TimeSpan.FromDays(365);

    public LoginRateLimitOptions LoginRateLimit { get; set; } = new();

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

/// <summary>
/// Sign-in attempts allowed per window, counted separately per email address and per client address; an attempt over
/// either limit is refused with 429 and <c>Retry-After</c> before any password is checked.
/// </summary>
public sealed class LoginRateLimitOptions
{
    public int PerEmail { get; set; } = 5;
    public int PerAddress { get; set; } = 20;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
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
