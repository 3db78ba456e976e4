using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestration.Endpoints.Gateway.Properties;
using Orchestration.Endpoints.Gateway.ReadModels;
using Orchestration.Endpoints.Gateway.Security;

namespace Orchestration.Endpoints.Standalone;

/// <summary>
/// Something to sign in to, look at and apply for on a first run: a property manager and an administrator, three
/// properties with vacant units, and one applicant who has not applied yet. Every row has a fixed id or email and is
/// added only when missing, so a restart adds nothing and changes nothing staff have changed since. The demo users'
/// password is <c>Demo:Password</c> when configured; otherwise a new one is made at every start.
/// </summary>
sealed class DemoData(
    IServiceScopeFactory scopes,
    PropertyStore properties,
    LeaseReadModel leases,
    StaffDirectory staff,
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DemoData> logger) : IHostedService
{
    public const string ManagerEmail = "manager@example.test";
    public const string AdminEmail = "admin@example.test";
    public const string PasswordSetting = "Demo:Password";

    public static readonly Guid ApplicantId = new("5d1a0c2e-7b3f-4e8a-9c61-0a4b7e2f3d11");

    static readonly (PropertyRecord Property, (Guid Id, string Label, int Bedrooms, decimal Bathrooms, int SquareFeet, decimal Rent)[] Units)[] Properties =
    [
        (Property(new("0b9f1c7a-2d4e-4f6a-8b3c-1e5d7a9c0f21"), "Harbor View Apartments", "120 Harbor Way", "Seattle", "WA", "98101"),
        [
            (new("6a1e2b3c-4d5e-4f60-8a71-b2c3d4e5f601"), "101", 1, 1m, 650, 1850m),
            (new("6a1e2b3c-4d5e-4f60-8a71-b2c3d4e5f602"), "102", 2, 1m, 900, 2400m),
            (new("6a1e2b3c-4d5e-4f60-8a71-b2c3d4e5f603"), "201", 2, 2m, 1050, 2750m),
        ]),
        (Property(new("0b9f1c7a-2d4e-4f6a-8b3c-1e5d7a9c0f22"), "Maple Court Townhomes", "48 Maple Court", "Portland", "OR", "97205"),
        [
            (new("7b2f3c4d-5e6f-4071-9b82-c3d4e5f6a701"), "A", 3, 2.5m, 1500, 3200m),
            (new("7b2f3c4d-5e6f-4071-9b82-c3d4e5f6a702"), "B", 3, 2.5m, 1500, 3200m),
            (new("7b2f3c4d-5e6f-4071-9b82-c3d4e5f6a703"), "C", 2, 1.5m, 1100, 2600m),
        ]),
        (Property(new("0b9f1c7a-2d4e-4f6a-8b3c-1e5d7a9c0f23"), "Riverside Lofts", "9 Mill Street", "Austin", "TX", "78701"),
        [
            (new("8c3a4d5e-6f70-4182-8c93-d4e5f6a7b801"), "L1", 0, 1m, 520, 1450m),
            (new("8c3a4d5e-6f70-4182-8c93-d4e5f6a7b802"), "L2", 1, 1m, 700, 1700m),
            (new("8c3a4d5e-6f70-4182-8c93-d4e5f6a7b803"), "L3", 1, 1m, 720, 1750m),
        ]),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await AddPortalDataAsync(cancellationToken);
        await AddStaffAsync(cancellationToken);
    }

    async Task AddStaffAsync(CancellationToken cancellationToken)
    {
        var configured = configuration[PasswordSetting];
        var password = string.IsNullOrEmpty(configured) ? RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20) : configured;

        foreach (var (email, name, role) in new[] { (ManagerEmail, "Demo Property Manager", GatewayRoles.PropertyManager), (AdminEmail, "Demo Administrator", GatewayRoles.Admin) })
        {
            // Created by an earlier run: the demo users take this start's password, so the line below is always true.
            var user = await staff.EnsureUserAsync(email, name, password, [role], cancellationToken);
            if ((await staff.CheckPasswordAsync(email, password, cancellationToken)).Failure is not null)
                await staff.ResetPasswordAsync(user.Id, password, cancellationToken);
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "this host";
            if (string.IsNullOrEmpty(configured))
                // The one secret ever logged: a throwaway password for a local demo, made up at this start and useless once it
                // stops. A password from configuration (Demo:Password) is never logged.
                logger.LogInformation("Sign in at {Address} as {Email} with password {Password}", address, ManagerEmail, password);
            else
                logger.LogInformation("Sign in at {Address} as {Email} with the password configured in {Setting}", address, ManagerEmail, PasswordSetting);
        });
    }

    async Task AddPortalDataAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var now = time.GetUtcNow();
        var added = 0;

        await session.BeginAsync(cancellationToken);
        foreach (var (property, units) in Properties)
        {
            if (await properties.FindPropertyAsync(session, property.PropertyId, cancellationToken) is null)
            {
                await properties.InsertPropertyAsync(session, property with { CreatedAt = now, UpdatedAt = now }, cancellationToken);
                added++;
            }

            foreach (var (id, label, bedrooms, bathrooms, squareFeet, rent) in units)
            {
                if (await properties.FindUnitAsync(session, id, cancellationToken) is null &&
                    await properties.InsertUnitAsync(session, new UnitRecord(id, property.PropertyId, label, bedrooms, bathrooms, squareFeet, new Money(rent, "USD"),
                        UnitStatus.Vacant, null, now), cancellationToken))
                    added++;
            }
        }

        if (await leases.FindTenantAsync(session, ApplicantId, cancellationToken) is null)
        {
            await leases.InsertTenantAsync(session, new TenantRecord(ApplicantId, "Ada Lovelace", "ada.lovelace@example.test", null, TenantStatus.Prospect, now, now),
                cancellationToken);
            added++;
        }

        await session.CommitAsync(cancellationToken);
        if (added > 0)
            logger.LogInformation("Added {Count} demo properties, units and applicants", added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    static PropertyRecord Property(Guid id, string name, string street, string city, string region, string postalCode) =>
        new(id, name, street, null, city, region, postalCode, "US", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
