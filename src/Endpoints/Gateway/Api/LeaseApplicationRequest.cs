using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>An application for a unit, as staff submit it. Without <see cref="ApplicantId"/> the applicant is found by email, or added.</summary>
public sealed record LeaseApplicationRequest(
    Guid PropertyId,
    Guid UnitId,
    Guid? ApplicantId,
    string? ApplicantName,
    string? ApplicantEmail,
    decimal MonthlyRent,
    decimal SecurityDeposit,
    string? Currency,
    DateOnly LeaseStart,
    DateOnly LeaseEnd)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (PropertyId == Guid.Empty)
            errors["propertyId"] = ["A property is required."];
        if (UnitId == Guid.Empty)
            errors["unitId"] = ["A unit is required."];
        if (ApplicantId == Guid.Empty)
            errors["applicantId"] = ["The applicant id, when given, cannot be the empty id."];
        if (string.IsNullOrWhiteSpace(ApplicantName))
            errors["applicantName"] = ["The applicant's name is required."];
        else if (ApplicantName.Length > 200)
            errors["applicantName"] = ["The applicant's name is at most 200 characters."];
        if (string.IsNullOrWhiteSpace(ApplicantEmail) || ApplicantEmail.Length > 254 || !new EmailAddressAttribute().IsValid(ApplicantEmail))
            errors["applicantEmail"] = ["A valid email address is required."];
        // Billing charges these at move-in: whole cents of a two-decimal currency, below a sanity bound.
        if (MonthlyRent <= 0 || MonthlyRent > MaxAmount || !Money.IsWholeCents(MonthlyRent))
            errors["monthlyRent"] = [$"The monthly rent is a positive amount of at most {MaxAmount:0} with at most two decimal places."];
        if (SecurityDeposit < 0 || SecurityDeposit > MaxAmount || !Money.IsWholeCents(SecurityDeposit))
            errors["securityDeposit"] = [$"The security deposit is zero or a positive amount of at most {MaxAmount:0} with at most two decimal places."];
        if (Currency is not null && !Money.IsCurrencyCode(Currency.ToUpperInvariant()))
            errors["currency"] = ["The currency is a three-letter ISO 4217 code."];
        else if (!Money.IsTwoDecimalCurrency(CurrencyCode))
            errors["currency"] = ["Only currencies with two decimal places (such as USD, EUR, GBP) can be charged."];
        if (LeaseStart == default)
            errors["leaseStart"] = ["The lease start date is required."];
        if (LeaseEnd <= LeaseStart)
            errors["leaseEnd"] = ["The lease must end after it starts."];
        return errors;
    }

    /// <summary>The largest rent or deposit accepted, per line.</summary>
    public const decimal MaxAmount = 1_000_000m;

    public string CurrencyCode => (Currency ?? "USD").ToUpperInvariant();

    public Money Rent => new(MonthlyRent, CurrencyCode);

    public Money Deposit => new(SecurityDeposit, CurrencyCode);

    /// <summary>
    /// Identifies the request's content, so that a retry under the same <c>Idempotency-Key</c> can be told from a
    /// different request reusing the key. Computed on the bound request, so spacing and property order do not matter.
    /// </summary>
    public string Fingerprint() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this))));

    public SubmitLeaseApplication ToCommand(Guid leaseId, Guid applicantId) => new()
    {
        LeaseId = leaseId,
        PropertyId = PropertyId,
        UnitId = UnitId,
        ApplicantId = applicantId,
        ApplicantName = ApplicantName!.Trim(),
        ApplicantEmail = ApplicantEmail!.Trim(),
        MonthlyRent = Rent,
        SecurityDeposit = Deposit,
        LeaseStart = LeaseStart,
        LeaseEnd = LeaseEnd,
    };
}

/// <summary>Why staff withdraw a lease that is not active yet.</summary>
public sealed record CancelLeaseRequest(string? Reason)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Reason))
            errors["reason"] = ["A reason is required; the tenant is told it."];
        else if (Reason.Length > 500)
            errors["reason"] = ["The reason is at most 500 characters."];
        return errors;
    }
}

public sealed record LeaseAccepted(Guid LeaseId);
