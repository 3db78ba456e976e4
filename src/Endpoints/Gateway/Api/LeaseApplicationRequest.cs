using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// An application for a unit, as staff submit it. Without <see cref="ApplicantId"/> the applicant is found by email, or
/// added; with it, the applicant must already be a tenant. Either way the name and email must be the tenant's as stored:
/// an application never changes a known tenant's details (that is <c>PATCH /api/tenants/{id}</c>).
/// </summary>
public sealed record LeaseApplicationRequest(
    Guid? PropertyId,
    Guid? UnitId,
    Guid? ApplicantId,
    string? ApplicantName,
    string? ApplicantEmail,
    decimal? MonthlyRent,
    decimal? SecurityDeposit,
    string? Currency,
    DateOnly? LeaseStart,
    DateOnly? LeaseEnd,
    IReadOnlyList<RecurringChargeRequest?>? RecurringCharges = null)
{
    /// <summary>The most recurring charges a lease carries besides the rent.</summary>
    public const int MaxRecurringCharges = 10;

    public const int MaxRecurringDescriptionLength = 200;

    /// <summary>The longest lease accepted.</summary>
    public const int MaxLeaseYears = 5;

    /// <summary>How far ahead a lease may start.</summary>
    public const int MaxYearsAhead = 2;

    public const int MaxNameLength = 200;

    /// <summary>Checks every field; <paramref name="today"/> is the UTC date, from the injected clock.</summary>
    public Dictionary<string, string[]> Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (PropertyId is null || PropertyId == Guid.Empty)
            errors["propertyId"] = ["A property is required."];
        if (UnitId is null || UnitId == Guid.Empty)
            errors["unitId"] = ["A unit is required."];
        if (ApplicantId == Guid.Empty)
            errors["applicantId"] = ["The applicant id, when given, cannot be the empty id."];
        FieldRules.Text(errors, "applicantName", ApplicantName, MaxNameLength, "The applicant's name");
        FieldRules.Email(errors, "applicantEmail", ApplicantEmail);

        // Billing charges the first month's rent and the deposit together at move-in, in one charge.
        FieldRules.Amount(errors, "monthlyRent", MonthlyRent, "The monthly rent");
        FieldRules.Amount(errors, "securityDeposit", SecurityDeposit, "The security deposit", zeroAllowed: true);
        if (!errors.ContainsKey("monthlyRent") && !errors.ContainsKey("securityDeposit") && MonthlyRent + SecurityDeposit > Money.MaxCharge)
            errors["securityDeposit"] = [$"The move-in charge (first month's rent plus security deposit) is at most {Money.MaxCharge:#,0.00}."];
        if (Currency is not null)
            FieldRules.Currency(errors, "currency", Currency);

        if (LeaseStart is not { } start)
            errors["leaseStart"] = ["The lease start date is required."];
        else if (start < today)
            errors["leaseStart"] = [$"The lease cannot start in the past (today is {today:yyyy-MM-dd})."];
        else if (start > today.AddYears(MaxYearsAhead))
            errors["leaseStart"] = [$"The lease starts at most {MaxYearsAhead} years ahead."];
        if (LeaseEnd is not { } end)
            errors["leaseEnd"] = ["The lease end date is required."];
        else if (LeaseStart is { } from && end <= from)
            errors["leaseEnd"] = ["The lease must end after it starts."];
        else if (LeaseStart is { } begin && end > begin.AddYears(MaxLeaseYears))
            errors["leaseEnd"] = [$"A lease runs at most {MaxLeaseYears} years."];

        if (RecurringCharges is { Count: > MaxRecurringCharges })
            errors["recurringCharges"] = [$"A lease carries at most {MaxRecurringCharges} recurring charges."];
        else if (RecurringCharges is not null)
        {
            for (var i = 0; i < RecurringCharges.Count; i++)
            {
                var field = $"recurringCharges[{i}]";
                if (RecurringCharges[i] is not { } charge)
                {
                    errors[field] = ["A recurring charge is an object with a kind and an amount."];
                    continue;
                }

                if (charge.Kind is null || !RecurringChargeKinds.All.Contains(charge.Kind, StringComparer.Ordinal))
                    errors[$"{field}.kind"] = [$"The kind is one of {string.Join(", ", RecurringChargeKinds.All)}."];
                if (charge.Description is not null)
                    FieldRules.Text(errors, $"{field}.description", charge.Description, MaxRecurringDescriptionLength, "The description", required: false);
                FieldRules.Amount(errors, $"{field}.amount", charge.Amount, "The amount");
            }

            if (!errors.Keys.Any(k => k.StartsWith("recurringCharges", StringComparison.Ordinal)) && MonthlyRent is { } rent
                && rent + RecurringCharges.Sum(c => c!.Amount!.Value) > Money.MaxCharge)
                errors["recurringCharges"] = [$"A month's charge (rent plus recurring charges) is at most {Money.MaxCharge:#,0.00}."];
        }

        return errors;
    }

    public string CurrencyCode => (Currency ?? "USD").ToUpperInvariant();

    public Money Rent => new(MonthlyRent!.Value, CurrencyCode);

    public Money Deposit => new(SecurityDeposit!.Value, CurrencyCode);

    public string Name => ApplicantName!.Trim();

    public string Email => ApplicantEmail!.Trim();

    /// <summary>
    /// Identifies the request's content, so that a retry under the same <c>Idempotency-Key</c> can be told from a
    /// different request reusing the key. Computed on the validated, normalised request, so spacing, property order,
    /// the scale of a number (<c>1850</c> and <c>1850.00</c>) and the letter case of the currency and email do not matter.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\n',
            PropertyId, UnitId, ApplicantId?.ToString() ?? "", Name, FieldRules.EmailKey(Email), Cents(MonthlyRent!.Value), Cents(SecurityDeposit!.Value),
            CurrencyCode, LeaseStart!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), LeaseEnd!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            + string.Concat((RecurringCharges ?? []).Select(c => $"\n{c!.Kind}|{c.Description?.Trim()}|{Cents(c.Amount!.Value)}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        static string Cents(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>The command for the lease-signing saga, naming the tenant with their details as stored.</summary>
    public SubmitLeaseApplication ToCommand(Guid leaseId, TenantRecord tenant) => new()
    {
        LeaseId = leaseId,
        PropertyId = PropertyId!.Value,
        UnitId = UnitId!.Value,
        ApplicantId = tenant.TenantId,
        ApplicantName = tenant.Name,
        ApplicantEmail = tenant.Email ?? Email,
        MonthlyRent = Rent,
        SecurityDeposit = Deposit,
        LeaseStart = LeaseStart!.Value,
        LeaseEnd = LeaseEnd!.Value,
        RecurringCharges = RecurringCharges is { Count: > 0 }
            ? RecurringCharges.Select(c => new RecurringCharge { Kind = c!.Kind!, Description = c.Description?.Trim(), Amount = new Money(c.Amount!.Value, CurrencyCode) })
                .ToList()
            : null,
    };
}

/// <summary>
/// A charge the lease carries every month besides the rent, in the rent's currency: its kind (parking, pet, storage,
/// utilities, other), an optional description, and the monthly amount; prorated like the rent in a part month.
/// </summary>
public sealed record RecurringChargeRequest(string? Kind, string? Description, decimal? Amount);

/// <summary>Why staff withdraw a lease that is not active yet; one line, as it is told to the tenant and written to logs.</summary>
public sealed record CancelLeaseRequest(string? Reason)
{
    public const int MaxReasonLength = 500;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "reason", Reason, MaxReasonLength, "The reason (the tenant is told it)");
        return errors;
    }
}

public sealed record LeaseAccepted(Guid LeaseId);
