using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>A lease as rent runs see it.</summary>
public sealed record BillingLease(Guid LeaseId, Guid PropertyId, Money Rent, bool Autopay);

/// <summary>A line a lease charges every month besides the rent; <see cref="Line"/> numbers it within the lease, from 0.</summary>
public sealed record RecurringChargeLine(int Line, string Kind, string? Description, Money Amount);

/// <summary>A lease in force during a rent run's period, with the days it runs (both counted), for a part month's rent.</summary>
public sealed record ActiveLease(BillingLease Lease, DateOnly Start, DateOnly End);

/// <summary>What a rent notice needs besides the saga's command: whom to write to, and the charge's period and due day.</summary>
public sealed record RentNoticeDetails(string? TenantName, string? TenantEmail, string Period, DateOnly DueOn);

/// <summary>A posted charge as the gateway's payments are checked against it.</summary>
public sealed record RentChargeTerms(Guid ChargeId, Guid LeaseId, Money Amount);

/// <summary>
/// A payment intent of a rent charge as the gateway's events reported it; times are the events' own (Unix milliseconds),
/// <see cref="Refunded"/> the refunded total so far.
/// </summary>
public sealed record RentPaymentRecord(string IntentId, Guid ChargeId, Guid LeaseId, Money Amount, long? SucceededAt, long? FailedAt, long? ReturnedAt,
    Money Refunded);

/// <summary>A rent run's progress: its charges counted by the state of their collection.</summary>
public sealed record RentRunRecord(Guid RunId, string Period, DateTimeOffset RequestedAt, long Leases, long Posted, DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, long> ChargesByState);

/// <summary>The SQL of rent runs, in one place; every method runs on the handler's <see cref="SqlSession"/>.</summary>
public sealed class RentStore(SqlStorage storage)
{
    /// <summary>The state a charge is in from posting until its saga reports otherwise.</summary>
    public const string Posted = "Posted";

    static readonly JsonSerializerOptions PolicyJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    readonly string _leases = storage.Table("billing_leases");
    readonly string _runs = storage.Table("rent_runs");
    readonly string _charges = storage.Table("rent_charges");
    readonly string _payments = storage.Table("rent_payments");
    readonly string _policies = storage.Table("late_fee_policies");
    readonly string _settings = storage.Table("lease_rent_settings");
    readonly string _recurring = storage.Table("lease_recurring_charges");

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Records an activated lease; a repeated activation changes nothing.</summary>
    public async Task AddLeaseAsync(SqlSession session, BillingLease lease, Guid tenantId, string? tenantName, string? tenantEmail, DateOnly start,
        DateOnly end, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_leases} (lease_id, property_id, tenant_id, tenant_name, tenant_email, rent_amount, currency, lease_start, lease_end, autopay,
                activated_at)
            VALUES (@lease_id, @property_id, @tenant_id, @tenant_name, @tenant_email, @rent, @currency, @start, @end, @autopay, @now)
            ON CONFLICT (lease_id) DO NOTHING
            """)
            .With("@tenant_name", tenantName).With("@tenant_email", tenantEmail)
            .With("@lease_id", lease.LeaseId).With("@property_id", lease.PropertyId).With("@tenant_id", tenantId)
            .With("@rent", LedgerAmounts.ToMinor(lease.Rent)).With("@currency", lease.Rent.Currency).With("@start", Day(start)).With("@end", Day(end))
            .With("@autopay", lease.Autopay ? 1 : 0).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the lease's recurring charges; a repeated activation changes nothing.</summary>
    public async Task AddRecurringChargesAsync(SqlSession session, Guid leaseId, IReadOnlyList<RecurringChargeLine> lines,
        CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            await using var command = session.CreateCommand($"""
                INSERT INTO {_recurring} (lease_id, line, kind, description, amount, currency)
                VALUES (@lease_id, @line, @kind, @description, @amount, @currency)
                ON CONFLICT (lease_id, line) DO NOTHING
                """)
                .With("@lease_id", leaseId).With("@line", line.Line).With("@kind", line.Kind).With("@description", line.Description)
                .With("@amount", LedgerAmounts.ToMinor(line.Amount)).With("@currency", line.Amount.Currency);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The recurring charges of these leases, each lease's in line order; a lease without any is absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<RecurringChargeLine>>> RecurringChargesAsync(SqlSession session,
        IReadOnlyCollection<Guid> leaseIds, CancellationToken cancellationToken)
    {
        var lines = new Dictionary<Guid, List<RecurringChargeLine>>();
        foreach (var batch in leaseIds.Distinct().Chunk(200))
        {
            var names = batch.Select((_, i) => $"@lease{i}").ToList();
            await using var command = session.CreateCommand($"""
                SELECT lease_id, line, kind, description, amount, currency FROM {_recurring}
                WHERE lease_id IN ({string.Join(", ", names)}) ORDER BY lease_id, line
                """);
            for (var i = 0; i < batch.Length; i++)
                command.With(names[i], batch[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var leaseId = reader.GetGuid(0);
                if (!lines.TryGetValue(leaseId, out var list))
                    lines[leaseId] = list = [];
                list.Add(new RecurringChargeLine(Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2),
                    reader.GetNullableString(3), LedgerAmounts.FromMinor(reader.GetInt64(4), reader.GetString(5))));
            }
        }

        return lines.ToDictionary(p => p.Key, p => (IReadOnlyList<RecurringChargeLine>)p.Value);
    }

    /// <summary>The leases in force on any day from <paramref name="first"/> to <paramref name="last"/>, in a fixed order.</summary>
    public async Task<IReadOnlyList<ActiveLease>> ActiveLeasesAsync(SqlSession session, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT lease_id, property_id, rent_amount, currency, autopay, lease_start, lease_end FROM {_leases}
            WHERE lease_start <= @last AND lease_end >= @first
            ORDER BY lease_id
            """).With("@first", Day(first)).With("@last", Day(last));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var leases = new List<ActiveLease>();
        while (await reader.ReadAsync(cancellationToken))
            leases.Add(new ActiveLease(
                new BillingLease(reader.GetGuid(0), reader.GetGuid(1), LedgerAmounts.FromMinor(reader.GetInt64(2), reader.GetString(3)), reader.GetInt64(4) != 0),
                ParseDay(reader.GetString(5)), ParseDay(reader.GetString(6))));
        return leases;
    }

    public async Task TurnOffAutopayAsync(SqlSession session, Guid leaseId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_leases} SET autopay = 0, autopay_off_at = @now WHERE lease_id = @lease_id AND autopay = 1")
            .With("@lease_id", leaseId).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a property's or a lease's late-fee policy; the same setting again changes nothing.</summary>
    public async Task SetLateFeePolicyAsync(SqlSession session, SetLateFeePolicy setting, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_policies} (setting_id, scope, scope_id, effective_from, policy) VALUES (@setting_id, @scope, @scope_id, @from, @policy)
            ON CONFLICT (setting_id) DO NOTHING
            """)
            .With("@setting_id", setting.SettingId).With("@scope", setting.Scope.ToString()).With("@scope_id", setting.ScopeId)
            .With("@from", setting.EffectiveFrom.ToUnixTimeMilliseconds()).With("@policy", JsonSerializer.Serialize(setting.Policy, PolicyJson));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every property's and lease's late-fee policy setting, for the policy in force when a charge is posted.</summary>
    public async Task<IReadOnlyList<LateFeePolicySetting>> LateFeePolicySettingsAsync(SqlSession session, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT scope, scope_id, effective_from, policy FROM {_policies}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var settings = new List<LateFeePolicySetting>();
        while (await reader.ReadAsync(cancellationToken))
            settings.Add(new LateFeePolicySetting(Enum.Parse<LateFeeScope>(reader.GetString(0)), reader.GetGuid(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                JsonSerializer.Deserialize<LateFeePolicy>(reader.GetString(3), PolicyJson) ?? LateFeePolicy.None));
        return settings;
    }

    /// <summary>Keeps the lease's rent settings unless newer ones are kept already.</summary>
    public async Task SetRentSettingsAsync(SqlSession session, SetLeaseRentSettings settings, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_settings} (lease_id, full_payment_only, set_at) VALUES (@lease_id, @full, @at)
            ON CONFLICT (lease_id) DO UPDATE SET full_payment_only = @full, set_at = @at WHERE {_settings}.set_at < @at
            """).With("@lease_id", settings.LeaseId).With("@full", settings.FullPaymentOnly ? 1 : 0).With("@at", settings.SetAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> FullPaymentOnlyAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT full_payment_only FROM {_settings} WHERE lease_id = @lease_id").With("@lease_id", leaseId);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull && Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>What the charge's other payments hold now: succeeded, neither returned nor refused, less what was refunded of them.</summary>
    public async Task<Money> PaidByOthersAsync(SqlSession session, RentChargeTerms charge, string intentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT COALESCE(SUM(amount - refunded), 0) FROM {_payments}
            WHERE charge_id = @charge_id AND intent_id <> @intent_id AND succeeded_at IS NOT NULL AND returned_at IS NULL AND refused_at IS NULL
            """).With("@charge_id", charge.ChargeId).With("@intent_id", intentId);
        var minor = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return LedgerAmounts.FromMinor(minor, charge.Amount.Currency);
    }

    /// <summary>Marks the intent's payment refused; false when it was refused already (a repeated event).</summary>
    public async Task<bool> MarkRefusedAsync(SqlSession session, string intentId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_payments} SET refused_at = @at WHERE intent_id = @intent_id AND refused_at IS NULL")
            .With("@intent_id", intentId).With("@at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Which of these intents paid something the lease refused (it moved no charge).</summary>
    public async Task<IReadOnlySet<string>> RefusedAsync(SqlSession session, IReadOnlyCollection<string> intentIds, CancellationToken cancellationToken)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in intentIds.Distinct().Chunk(200))
        {
            var names = batch.Select((_, i) => $"@intent{i}").ToList();
            await using var command = session.CreateCommand(
                $"SELECT intent_id FROM {_payments} WHERE refused_at IS NOT NULL AND intent_id IN ({string.Join(", ", names)})");
            for (var i = 0; i < batch.Length; i++)
                command.With(names[i], batch[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                refused.Add(reader.GetString(0));
        }

        return refused;
    }

    /// <summary>Creates the run's row; false when the run was already started (the command came again).</summary>
    public async Task<bool> StartRunAsync(SqlSession session, Guid runId, string period, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_runs} (run_id, period, requested_at, leases, posted) VALUES (@run_id, @period, @now, 0, 0)
            ON CONFLICT (run_id) DO NOTHING
            """).With("@run_id", runId).With("@period", period).With("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task FinishRunAsync(SqlSession session, Guid runId, long leases, long posted, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_runs} SET leases = @leases, posted = @posted, finished_at = @now WHERE run_id = @run_id")
            .With("@run_id", runId).With("@leases", leases).With("@posted", posted).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Posts the charge; false when the lease was already charged for the period (by this run or another).</summary>
    public async Task<bool> PostChargeAsync(SqlSession session, Guid chargeId, Guid runId, Guid leaseId, string period, Money amount, DateOnly dueOn,
        LateFeePolicy policy, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_charges} (charge_id, run_id, lease_id, period, amount, currency, due_on, late_fee_policy, state, outstanding, updated_at)
            VALUES (@charge_id, @run_id, @lease_id, @period, @amount, @currency, @due_on, @policy, @state, @amount, @now)
            ON CONFLICT (charge_id) DO NOTHING
            """)
            .With("@charge_id", chargeId).With("@run_id", runId).With("@lease_id", leaseId).With("@period", period)
            .With("@amount", LedgerAmounts.ToMinor(amount)).With("@currency", amount.Currency).With("@due_on", Day(dueOn))
            .With("@policy", JsonSerializer.Serialize(policy, PolicyJson)).With("@state", Posted).With("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The run that posted the charge (<see cref="RentIds.MoveInCharges"/> for one the move-in funds paid); null when it was never posted.</summary>
    public async Task<Guid?> RunOfChargeAsync(SqlSession session, Guid chargeId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT run_id FROM {_charges} WHERE charge_id = @charge_id").With("@charge_id", chargeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }

    /// <summary>Follows the charge's collection; a report older than the one recorded changes nothing.</summary>
    public async Task RecordProgressAsync(SqlSession session, Guid chargeId, string state, Money outstanding, DateTimeOffset occurredAt,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_charges} SET state = @state, outstanding = @outstanding, updated_at = @at
            WHERE charge_id = @charge_id AND updated_at <= @at
            """)
            .With("@charge_id", chargeId).With("@state", state).With("@outstanding", LedgerAmounts.ToMinor(outstanding))
            .With("@at", occurredAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The lease's charges as the late-fee engine takes them, each with the policy in force when it was posted.</summary>
    public async Task<IReadOnlyDictionary<Guid, LateCharge>> LateChargesAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT charge_id, due_on, amount, currency, late_fee_policy FROM {_charges} WHERE lease_id = @lease_id")
            .With("@lease_id", leaseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var charges = new Dictionary<Guid, LateCharge>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var chargeId = reader.GetGuid(0);
            charges[chargeId] = new LateCharge(chargeId, DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                LedgerAmounts.FromMinor(reader.GetInt64(2), reader.GetString(3)).Amount,
                JsonSerializer.Deserialize<LateFeePolicy>(reader.GetString(4), PolicyJson) ?? LateFeePolicy.None);
        }

        return charges;
    }

    public async Task<RentRunRecord?> FindRunAsync(SqlSession session, Guid runId, CancellationToken cancellationToken)
    {
        RentRunRecord run;
        await using (var command = session.CreateCommand($"SELECT period, requested_at, leases, posted, finished_at FROM {_runs} WHERE run_id = @run_id")
            .With("@run_id", runId))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            run = new RentRunRecord(runId, reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2),
                reader.GetInt64(3), reader.GetNullableInt64(4) is { } finished ? DateTimeOffset.FromUnixTimeMilliseconds(finished) : null,
                new Dictionary<string, long>());
        }

        await using var states = session.CreateCommand($"SELECT state, COUNT(*) FROM {_charges} WHERE run_id = @run_id GROUP BY state ORDER BY state")
            .With("@run_id", runId);
        await using var rows = await states.ExecuteReaderAsync(cancellationToken);
        var byState = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await rows.ReadAsync(cancellationToken))
            byState[rows.GetString(0)] = Convert.ToInt64(rows.GetValue(1), CultureInfo.InvariantCulture);
        return run with { ChargesByState = byState };
    }

    public async Task<RentChargeTerms?> FindChargeAsync(SqlSession session, Guid chargeId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT lease_id, amount, currency FROM {_charges} WHERE charge_id = @charge_id")
            .With("@charge_id", chargeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RentChargeTerms(chargeId, reader.GetGuid(0), LedgerAmounts.FromMinor(reader.GetInt64(1), reader.GetString(2)))
            : null;
    }

    public async Task<RentPaymentRecord?> FindPaymentAsync(SqlSession session, string intentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT charge_id, lease_id, amount, currency, succeeded_at, failed_at, returned_at, refunded FROM {_payments} WHERE intent_id = @intent_id
            """).With("@intent_id", intentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var currency = reader.GetString(3);
        return new RentPaymentRecord(intentId, reader.GetGuid(0), reader.GetGuid(1), LedgerAmounts.FromMinor(reader.GetInt64(2), currency),
            reader.GetNullableInt64(4), reader.GetNullableInt64(5), reader.GetNullableInt64(6), LedgerAmounts.FromMinor(reader.GetInt64(7), currency));
    }

    /// <summary>The gateway's intents the events have named for each of these charges.</summary>
    public async Task<IReadOnlyList<(string IntentId, Guid ChargeId)>> IntentsOfChargesAsync(SqlSession session, IReadOnlyCollection<Guid> chargeIds,
        CancellationToken cancellationToken)
    {
        var intents = new List<(string, Guid)>();
        foreach (var batch in chargeIds.Distinct().Chunk(200))
        {
            var names = batch.Select((_, i) => $"@charge{i}").ToList();
            await using var command = session.CreateCommand($"SELECT intent_id, charge_id FROM {_payments} WHERE charge_id IN ({string.Join(", ", names)})");
            for (var i = 0; i < batch.Length; i++)
                command.With(names[i], batch[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                intents.Add((reader.GetString(0), reader.GetGuid(1)));
        }

        return intents;
    }

    /// <summary>Records the intent of a charge the first time an event names it; later events change only its times.</summary>
    public async Task AddPaymentAsync(SqlSession session, string intentId, RentChargeTerms charge, Money amount, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_payments} (intent_id, charge_id, lease_id, amount, currency, refunded) VALUES (@intent_id, @charge_id, @lease_id, @amount, @currency, 0)
            ON CONFLICT (intent_id) DO NOTHING
            """)
            .With("@intent_id", intentId).With("@charge_id", charge.ChargeId).With("@lease_id", charge.LeaseId)
            .With("@amount", LedgerAmounts.ToMinor(amount)).With("@currency", amount.Currency);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The intent's success, with what it received; false when it was already recorded.</summary>
    public async Task<bool> MarkSucceededAsync(SqlSession session, string intentId, Money received, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_payments} SET succeeded_at = @at, amount = @amount WHERE intent_id = @intent_id AND succeeded_at IS NULL
            """).With("@intent_id", intentId).With("@amount", LedgerAmounts.ToMinor(received)).With("@at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The intent's latest failure (a later one replaces an earlier one).</summary>
    public async Task MarkFailedAsync(SqlSession session, string intentId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_payments} SET failed_at = @at WHERE intent_id = @intent_id AND (failed_at IS NULL OR failed_at < @at)
            """).With("@intent_id", intentId).With("@at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the succeeded intent returned by the bank and counts the lease's returned payments, this one included.</summary>
    public async Task<int> MarkReturnedAsync(SqlSession session, string intentId, Guid leaseId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using (var mark = session.CreateCommand($"UPDATE {_payments} SET returned_at = @at WHERE intent_id = @intent_id AND returned_at IS NULL")
            .With("@intent_id", intentId).With("@at", at.ToUnixTimeMilliseconds()))
            await mark.ExecuteNonQueryAsync(cancellationToken);

        await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {_payments} WHERE lease_id = @lease_id AND returned_at IS NOT NULL")
            .With("@lease_id", leaseId);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Raises the intent's refunded total to <paramref name="total"/>; returns what it rose by (zero for a total already reached).</summary>
    public async Task<Money> RaiseRefundedAsync(SqlSession session, string intentId, Money total, CancellationToken cancellationToken)
    {
        // The row is locked first (a write on PostgreSQL, the database on SQLite), so two events of one intent cannot both
        // count the same rise.
        await using (var touch = session.CreateCommand($"UPDATE {_payments} SET refunded = refunded WHERE intent_id = @intent_id").With("@intent_id", intentId))
            await touch.ExecuteNonQueryAsync(cancellationToken);
        await using var read = session.CreateCommand($"SELECT refunded FROM {_payments} WHERE intent_id = @intent_id").With("@intent_id", intentId);
        var before = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var after = LedgerAmounts.ToMinor(total);
        if (after <= before)
            return total with { Amount = 0m };

        await using var raise = session.CreateCommand($"UPDATE {_payments} SET refunded = @total WHERE intent_id = @intent_id")
            .With("@intent_id", intentId).With("@total", after);
        await raise.ExecuteNonQueryAsync(cancellationToken);
        return LedgerAmounts.FromMinor(after - before, total.Currency);
    }

    public async Task<RentNoticeDetails?> NoticeDetailsAsync(SqlSession session, Guid chargeId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT l.tenant_name, l.tenant_email, c.period, c.due_on FROM {_charges} c JOIN {_leases} l ON l.lease_id = c.lease_id
            WHERE c.charge_id = @charge_id
            """).With("@charge_id", chargeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RentNoticeDetails(reader.GetNullableString(0), reader.GetNullableString(1), reader.GetString(2),
                DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture))
            : null;
    }
}
