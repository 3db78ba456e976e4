using System.Security.Cryptography;

namespace Orchestration.Endpoints.Standalone;

/// <summary>
/// The secrets the embedded simulators share with the platform (webhook signing secrets, provider API keys) and the key
/// vendors' signing secrets are sealed with between the Gateway and the registry, made up
/// for each database on its first start and kept in it, so that restarts on the same file agree and no secret is a
/// committed constant that anyone who can reach the host could sign webhooks with. A value configured for any of a
/// secret's settings (from the environment, say) is used instead, for all of them.
/// </summary>
public static class StandaloneSecrets
{
    // Each secret, and every setting that must hold it: the simulator's side and the platform's side.
    static readonly (string Name, string Prefix, string[] Settings)[] Secrets =
    [
        ("payments-webhook", "whsec_", ["Gateway:Webhooks:Payments:Secret", "Simulators:Payments:Webhook:Secret"]),
        ("esignature-webhook", "esign_whsec_", ["Gateway:Webhooks:ESignature:Secret", "Simulators:ESignature:Webhook:Secret"]),
        ("screening-webhook", "screening_whsec_", ["Gateway:Webhooks:Screening:Secret", "Simulators:Screening:Webhook:Secret"]),
        ("payments-api-key", "sk_test_", ["Billing:Payments:SecretKey", "Simulators:Payments:SecretKey"]),
        ("esignature-api-key", "esign_", ["Leasing:ESignature:ApiKey", "Simulators:ESignature:ApiKey"]),
        ("screening-api-key", "screening_", ["Leasing:Screening:ApiKey", "Simulators:Screening:ApiKey"]),
        ("vendor-secret-sealing-key", "vseal_", ["Vendors:SecretSealingKey"]),
    ];

    /// <summary>Adds the secrets as the last configuration source; call before the services read their options.</summary>
    public static async Task AddStandaloneSecretsAsync(this IConfigurationManager configuration, CancellationToken cancellationToken = default)
    {
        var storage = new SqlStorage(SqlDialect.For(configuration["Storage:Provider"] ?? "Sqlite"),
            configuration["Storage:ConnectionString"] ?? throw new InvalidOperationException("Storage:ConnectionString is required."),
            configuration["Storage:Schema"] ?? "standalone");
        var table = storage.Table("secrets");

        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE IF NOT EXISTS {table} (name text PRIMARY KEY, value text NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var values = new Dictionary<string, string?>();
        foreach (var (name, prefix, settings) in Secrets)
        {
            var value = settings.Select(setting => configuration[setting]).FirstOrDefault(configured => !string.IsNullOrEmpty(configured))
                ?? await StoredAsync(connection, table, name, prefix, cancellationToken);
            foreach (var setting in settings)
                values[setting] = value;
        }

        configuration.AddInMemoryCollection(values);
    }

    // Inserted only when missing, then read back: two hosts starting on one file at once end up with the same value.
    static async Task<string> StoredAsync(System.Data.Common.DbConnection connection, string table, string name, string prefix,
        CancellationToken cancellationToken)
    {
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO {table} (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING";
            insert.With("@name", name).With("@value", prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT value FROM {table} WHERE name = @name";
        read.With("@name", name);
        return (string)(await read.ExecuteScalarAsync(cancellationToken))!;
    }
}
