using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>The lease as the tenant reads and signs it: plain text from the terms the saga holds.</summary>
public static class LeaseDocument
{
    /// <summary>
    /// The same lease always gets the same document id (a name-based UUID over the lease id), so a repeated
    /// <see cref="PrepareLeaseDocument"/> names the document already prepared instead of a new one.
    /// </summary>
    public static Guid IdFor(Guid leaseId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"lease-document:{leaseId:N}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static StoredLeaseDocument Render(PrepareLeaseDocument lease)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            RESIDENTIAL LEASE AGREEMENT

            Lease: {lease.LeaseId}
            Property: {lease.PropertyId}
            Unit: {lease.UnitId}
            Tenant: {lease.ApplicantName}

            Term: {lease.LeaseStart:yyyy-MM-dd} to {lease.LeaseEnd:yyyy-MM-dd}
            Monthly rent: {Format(lease.MonthlyRent)}, due on the first day of each month
            Security deposit: {Format(lease.SecurityDeposit)}, held for the tenant and returned at the end of the term less lawful deductions

            The tenant signs below; the landlord countersigns. The lease takes effect once both have signed and the
            security deposit and first month's rent are received.
            """);
        return new StoredLeaseDocument(IdFor(lease.LeaseId), lease.LeaseId, $"Lease {LeaseReference.Of(lease.LeaseId)}.txt", text);
    }

    static string Format(Money money) => string.Create(CultureInfo.InvariantCulture, $"{money.Amount:0.00} {money.Currency}");
}
