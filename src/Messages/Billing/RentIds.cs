using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Messages.Billing;

/// <summary>
/// Ids derived from business keys, so that the same fact recorded twice (a redelivered message, a repeated run) is
/// one row: the first 16 bytes of the SHA-256 of the key, marked as an RFC 9562 version 8 (custom) UUID.
/// </summary>
public static class RentIds
{
    /// <summary>The rent charge of a lease for a period ("YYYY-MM").</summary>
    public static Guid Charge(Guid leaseId, string period) => From($"charge:{leaseId:N}:{period}");

    /// <summary>The ledger entry recording what a payment-gateway event about a charge says (<paramref name="fact"/>: "payment", "reversal"...).</summary>
    public static Guid Entry(Guid chargeId, string paymentId, string fact) => From($"entry:{chargeId:N}:{paymentId}:{fact}");

    /// <summary>The <paramref name="adjustment"/>-th late-fee entry for a charge's fee of one day (0 for the first).</summary>
    public static Guid LateFee(Guid chargeId, DateOnly day, int adjustment) =>
        From($"late-fee:{chargeId:N}:{day:yyyy-MM-dd}:{adjustment.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The scheduled rent run of a period: however many schedulers start it, it is one run.</summary>
    public static Guid ScheduledRun(string period) => From($"rent-run:{period}");

    /// <summary>The durable scheduler's token for the period's occurrence of the rent schedule: every instance schedules the same one.</summary>
    public static Guid ScheduleToken(string period) => From($"rent-schedule:{period}");

    /// <summary>
    /// What the rent charges paid with a lease's move-in funds are filed under in place of a rent run, so that no run
    /// counts them.
    /// </summary>
    public static readonly Guid MoveInCharges = From("move-in-charges");

    public static Guid From(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
