namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// The staff tables in the Gateway's schema. Times are Unix milliseconds (UTC), roles a space-separated list of
/// <see cref="GatewayRoles"/>.
/// <para><c>users</c>: one row per staff member. <c>email_key</c> is the trimmed, lower-cased email that makes addresses
/// unique regardless of case; <c>password_hash</c> is an ASP.NET Core Identity v3 hash (PBKDF2, per-user salt);
/// <c>security_stamp</c> changes when the user is disabled or the password changes, and every portal cookie carries the
/// stamp it was issued with, so such a change ends those sessions.</para>
/// <para><c>api_tokens</c>: only the SHA-256 of a token is kept (<c>token_hash</c>); the token itself is shown once, when issued.</para>
/// <para><c>staff_sessions</c>: one row per signed-in portal session, keyed by the SHA-256 of the session id its cookie
/// carries, so neither the table nor a stolen key ring is enough to make a working cookie. Signing out, a password
/// change and disabling the user delete rows; <c>expires_at</c> is the session's absolute end.</para>
/// <para><c>data_protection_keys</c>: the key ring that protects cookies, shared by every Gateway instance on this database.</para>
/// </summary>
public static class SecurityMigrations
{
    public static readonly SchemaMigration Users = new("gateway_security_0001_users", s => $"""
        CREATE TABLE {s.Table("users")} (
            id {s.Dialect.UuidType} PRIMARY KEY,
            email text NOT NULL,
            email_key text NOT NULL UNIQUE,
            display_name text NOT NULL,
            password_hash text NOT NULL,
            roles text NOT NULL,
            security_stamp text NOT NULL,
            created_at bigint NOT NULL,
            disabled_at bigint NULL
        );
        """);

    public static readonly SchemaMigration ApiTokens = new("gateway_security_0002_api_tokens", s => $"""
        CREATE TABLE {s.Table("api_tokens")} (
            id {s.Dialect.UuidType} PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            name text NOT NULL,
            user_id {s.Dialect.UuidType} NOT NULL REFERENCES {s.Table("users")} (id),
            roles text NOT NULL,
            created_at bigint NOT NULL,
            expires_at bigint NULL,
            revoked_at bigint NULL,
            last_used_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "api_tokens_user")} ON {s.Table("api_tokens")} (user_id);
        """);

    public static readonly SchemaMigration Sessions = new("gateway_security_0003_staff_sessions", s => $"""
        CREATE TABLE {s.Table("staff_sessions")} (
            id_hash text PRIMARY KEY,
            user_id {s.Dialect.UuidType} NOT NULL REFERENCES {s.Table("users")} (id),
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "staff_sessions_user")} ON {s.Table("staff_sessions")} (user_id);
        CREATE INDEX {PlatformMigrations.Index(s, "staff_sessions_expires")} ON {s.Table("staff_sessions")} (expires_at);
        """);

    public static readonly SchemaMigration DataProtectionKeys = new("gateway_security_0004_data_protection_keys", s => $"""
        CREATE TABLE {s.Table("data_protection_keys")} (
            name text PRIMARY KEY,
            xml text NOT NULL,
            created_at bigint NOT NULL
        );
        """);
}
