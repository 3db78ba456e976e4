using MassTransit;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// Keeps the registry as staff manage it through the Gateway: registers vendors (opening the signing secret the Gateway
/// sealed, see <see cref="VendorSecretSeal"/>), sets their insurance expiry, adds API keys by their hash and revokes them,
/// and announces each change (never the signing secret or a key). A repeated
/// command finds its change made and announces it again, which the Gateway's projection takes as it is.
/// </summary>
public sealed class VendorRegistryConsumer(SqlSession session, VendorRegistry registry, IConfiguration configuration, TimeProvider time,
    ILogger<VendorRegistryConsumer> logger)
    : IConsumer<RegisterVendor>, IConsumer<UpdateVendorCompliance>, IConsumer<IssueVendorApiKey>, IConsumer<RevokeVendorApiKey>
{
    public async Task Consume(ConsumeContext<RegisterVendor> context)
    {
        var command = context.Message;
        if (!Uri.TryCreate(command.CallbackUrl, UriKind.Absolute, out var callbackUrl) || callbackUrl.Scheme is not ("http" or "https"))
            throw new VendorCommandRejectedException($"Vendor {command.VendorId}'s callback URL is not an absolute http or https URL.");
        if (command.Trades.Count == 0 || command.ServiceAreas.Count == 0
            || !command.Trades.Concat(command.ServiceAreas).All(VendorListEntry.IsValid))
            throw new VendorCommandRejectedException(
                $"Vendor {command.VendorId} needs at least one trade and one service area, each letters, digits and '-', at most 40.");
        if (string.IsNullOrWhiteSpace(command.Name))
            throw new VendorCommandRejectedException($"Vendor {command.VendorId} needs a name.");
        if (configuration[VendorSecretSeal.Setting] is not { } sealingKey || !VendorSecretSeal.IsUsableKey(sealingKey))
            throw new VendorCommandRejectedException(
                $"Vendor {command.VendorId} cannot be registered: {VendorSecretSeal.Setting} (the key the Gateway seals signing secrets with) is not configured here.");
        if (VendorSecretSeal.Unseal(command.SigningSecret, sealingKey, command.VendorId) is not { Length: > 0 } signingSecret)
            throw new VendorCommandRejectedException(
                $"Vendor {command.VendorId}'s signing secret is not sealed for it with the key configured here ({VendorSecretSeal.Setting}).");

        var registered = await registry.TryRegisterAsync(session, command.VendorId, new NewVendor(command.Name, command.Trades, command.ServiceAreas,
            callbackUrl, signingSecret, command.InsuranceExpiresOn, command.Preference), time.GetUtcNow(), context.CancellationToken);
        if (registered)
            logger.LogInformation("Vendor {VendorId} registered", command.VendorId);
        var vendor = await registry.FindAsync(session, command.VendorId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Vendor {command.VendorId} is not in the registry after its registration.");
        var registeredAt = await registry.RegisteredAtAsync(session, command.VendorId, context.CancellationToken) ?? time.GetUtcNow();
        await context.Publish(new VendorRegistered
        {
            VendorId = vendor.VendorId, Name = vendor.Name, Trades = vendor.TradeList, ServiceAreas = vendor.ServiceAreaList,
            CallbackUrl = vendor.CallbackUrl, InsuranceExpiresOn = vendor.InsuranceExpiresOn, Preference = vendor.Preference,
            RegisteredAt = registeredAt,
        }, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<UpdateVendorCompliance> context)
    {
        var command = context.Message;
        if (await registry.FindAsync(session, command.VendorId, context.CancellationToken) is null)
            throw new VendorNotRegisteredException(command.VendorId);
        if (await registry.UpdateComplianceAsync(session, command.VendorId, command.InsuranceExpiresOn, command.RequestedAt,
                context.CancellationToken))
            logger.LogInformation("Vendor {VendorId} insured until {InsuranceExpiresOn}", command.VendorId, command.InsuranceExpiresOn);
        await context.Publish(new VendorComplianceUpdated
        {
            VendorId = command.VendorId, InsuranceExpiresOn = command.InsuranceExpiresOn, RequestedAt = command.RequestedAt,
        }, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<IssueVendorApiKey> context)
    {
        var command = context.Message;
        if (!VendorApiKey.IsHash(command.KeyHash))
            throw new VendorCommandRejectedException($"Key {command.KeyId} of vendor {command.VendorId} does not carry a key hash.");
        if (await registry.FindAsync(session, command.VendorId, context.CancellationToken) is null)
            throw new VendorNotRegisteredException(command.VendorId);

        var now = time.GetUtcNow();
        await registry.AddApiKeyAsync(session, command.VendorId, command.KeyId, command.KeyHash, now, context.CancellationToken);
        logger.LogInformation("API key {KeyId} issued to vendor {VendorId}", command.KeyId, command.VendorId);
        await context.Publish(new VendorApiKeyIssued { VendorId = command.VendorId, KeyId = command.KeyId, IssuedAt = now },
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RevokeVendorApiKey> context)
    {
        var command = context.Message;
        if (!await registry.RevokeApiKeyAsync(session, command.VendorId, command.KeyId, time.GetUtcNow(), context.CancellationToken))
            throw new VendorCommandRejectedException($"Vendor {command.VendorId} holds no key {command.KeyId}.");
        logger.LogInformation("API key {KeyId} of vendor {VendorId} revoked", command.KeyId, command.VendorId);
        await context.Publish(new VendorApiKeyRevoked { VendorId = command.VendorId, KeyId = command.KeyId, RevokedAt = time.GetUtcNow() },
            context.CancellationToken);
    }
}

/// <summary>A registry command that no retry can carry out; it is moved aside with this reason.</summary>
public sealed class VendorCommandRejectedException(string reason) : Exception(reason);
