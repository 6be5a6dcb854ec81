using Npgsql;

namespace Eaio.Routing;

/// <summary>A budget ledger in PostgreSQL: one budget for every host that shares the database.</summary>
/// <remarks>
/// <para>
/// A reservation is one conditional statement: <c>UPDATE … SET reserved = reserved + amount WHERE spent + reserved +
/// amount &lt;= budget</c>, with the hold inserted from its <c>RETURNING</c>. Concurrent reservations on the same
/// tenant and month queue on that row's lock, and PostgreSQL re-checks the condition against the row each one finds, so
/// the check and the hold can never be separated by another host's reservation. Settling removes the hold and adds the
/// cost in one statement, which also decides, under the same row lock, whether this settlement raised the period's alert;
/// it records the reservation's id as settled in the same statement, so settling it again counts nothing.
/// </para>
/// <para>
/// Amounts are <c>numeric</c>, exact like <see cref="decimal"/>. A hold left by a host that died lapses at its expiry:
/// the next reservation or status read of that tenant and month deletes it and gives its amount back, each hold exactly once.
/// </para>
/// <para>
/// Every statement that changes both takes the account row before any hold row, so a settlement and another host's
/// expiry of the same hold cannot deadlock. Should PostgreSQL still abort one as a deadlock victim or a serialization
/// failure, reserving, settling and releasing run again, a few times with jittered backoff: each attempt is one implicit
/// transaction, rolled back whole. Every driver failure reaches the caller as an <see cref="EaioStorageException"/>
/// that names the database (never a password).
/// </para>
/// <para>
/// <see cref="GetSnapshotAsync"/> answers from the last status this process saw while it is at most
/// <see cref="SnapshotMaxAge"/> old (synchronously), else from one query per tenant that every request planning meanwhile
/// awaits without holding a thread.
/// </para>
/// </remarks>
public sealed class PostgresBudgetLedger : IBudgetLedger
{
    private readonly PostgresStore _store;
    private readonly TimeProvider _time;
    private readonly BudgetSnapshotCache _snapshots;

    /// <summary>Initializes a new instance of the <see cref="PostgresBudgetLedger"/> class.</summary>
    /// <param name="store">The database.</param>
    /// <param name="limits">The budgets, alert threshold, time zone and reservation lifetime; every host must use the same.</param>
    /// <param name="timeProvider">The clock for periods and expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="limits"/> is <see langword="null"/>.</exception>
    public PostgresBudgetLedger(PostgresStore store, BudgetLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(limits);
        _store = store;
        Limits = limits;
        _time = timeProvider ?? TimeProvider.System;
        _snapshots = new BudgetSnapshotCache(_time, async tenant => await GetStatusAsync(tenant).ConfigureAwait(false));
    }

    /// <summary>Gets what the ledger enforces.</summary>
    public BudgetLimits Limits { get; }

    /// <summary>Gets how old a status may be to answer <see cref="GetSnapshotAsync"/> without a query.</summary>
    public TimeSpan SnapshotMaxAge
    {
        get => _snapshots.MaxAge;
        init => _snapshots.MaxAge = value;
    }

    /// <summary>Gets how statements PostgreSQL aborted as a deadlock victim or serialization failure run again; internal so tests can fix the jitter.</summary>
    internal StoreRetry Retry { get; init; } = new(PostgresStore.IsConflict);

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached, refused the statement, or kept aborting it as a conflict.</exception>
    public async ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        DateTimeOffset now = _time.GetUtcNow();
        BudgetPeriod period = Limits.PeriodOf(now);
        BudgetReservation reservation = new(RandomIds.NewGuid(), tenantId, amountUsd, period, now + Limits.ReservationLifetime);
        try
        {
            return await Retry.ExecuteAsync(static (s, ct) => s.Ledger.TryReserveAsync(s.Reservation, s.Now, ct), (Ledger: this, Reservation: reservation, Now: now), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("ledger", "reserve budget", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached, refused the statement, or kept aborting it as a conflict.</exception>
    public async ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);

        // What was spent is counted whatever the caller's token says: a cancelled settlement would lose money.
        try
        {
            return await Retry.ExecuteAsync(static (s, _) => s.Ledger.TrySettleAsync(s.Reservation, s.ActualUsd), (Ledger: this, Reservation: reservation, ActualUsd: actualUsd), CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("ledger", "settle a call's cost", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached, refused the statement, or kept aborting it as a conflict.</exception>
    public async ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);

        // Released whatever the caller's token says: a hold left behind would block budget until it expires.
        try
        {
            _ = await Retry.ExecuteAsync(static (s, _) => s.Ledger.TryReleaseAsync(s.Reservation), (Ledger: this, Reservation: reservation), CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("ledger", "release a hold", ex);
        }
    }

    private async ValueTask<BudgetReservation> TryReserveAsync(BudgetReservation reservation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? tenantId = reservation.TenantId;
        BudgetPeriod period = reservation.Period;
        decimal amountUsd = reservation.AmountUsd;
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlBatch batch = new(connection);
        AddAccountAndExpiry(batch, tenantId, period, now);
        NpgsqlBatchCommand reserve = new("""
            WITH taken AS (
                UPDATE eaio_budget_account SET reserved = reserved + @amount
                WHERE tenant = @tenant AND period = @period AND spent + reserved + @amount <= @budget
                RETURNING 1)
            INSERT INTO eaio_budget_hold (id, tenant, period, amount, expires)
            SELECT @id, @tenant, @period, @amount, @expires FROM taken
            """);
        reserve.Parameters.AddWithValue("id", reservation.Id);
        reserve.Parameters.AddWithValue("tenant", tenantId ?? string.Empty);
        reserve.Parameters.AddWithValue("period", period.Label);
        reserve.Parameters.AddWithValue("amount", amountUsd);
        reserve.Parameters.AddWithValue("budget", Limits.BudgetFor(tenantId));
        reserve.Parameters.AddWithValue("expires", reservation.ExpiresAt);
        batch.BatchCommands.Add(reserve);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (reserve.RecordsAffected == 1)
        {
            return reservation;
        }

        throw new BudgetExceededException(await ReadStatusAsync(connection, tenantId, period, now, cancellationToken).ConfigureAwait(false), amountUsd);
    }

    private async ValueTask<BudgetSettlement> TrySettleAsync(BudgetReservation reservation, decimal actualUsd)
    {
        DateTimeOffset now = _time.GetUtcNow();
        decimal budget = Limits.BudgetFor(reservation.TenantId);
        await using NpgsqlConnection connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using NpgsqlBatch batch = new(connection);
        AddAccount(batch, reservation.TenantId, reservation.Period);

        // Idempotent by reservation id: a settlement retried after a failure that came after its commit, or recorded as
        // pending and applied later, counts once. Ids are kept for 62 days, longer than a period.
        NpgsqlBatchCommand prune = new("DELETE FROM eaio_budget_settled WHERE at <= @prune");
        prune.Parameters.AddWithValue("prune", now - TimeSpan.FromDays(62));
        batch.BatchCommands.Add(prune);

        // The account row before the hold (the EXISTS is checked before the hold is looked for), as everywhere else.
        NpgsqlBatchCommand settle = new("""
            WITH first AS (INSERT INTO eaio_budget_settled (id, at) VALUES (@id, @now) ON CONFLICT (id) DO NOTHING RETURNING 1),
                 before AS (SELECT alerted FROM eaio_budget_account WHERE tenant = @tenant AND period = @period FOR UPDATE),
                 hold AS (DELETE FROM eaio_budget_hold WHERE id = @id AND EXISTS (SELECT 1 FROM before) RETURNING amount),
                 counted AS (SELECT EXISTS (SELECT 1 FROM first) AS fresh, CASE WHEN EXISTS (SELECT 1 FROM first) THEN @cost ELSE 0 END AS cost)
            UPDATE eaio_budget_account a
            SET spent = a.spent + c.cost,
                reserved = a.reserved - COALESCE((SELECT amount FROM hold), 0),
                alerted = a.alerted OR (c.fresh AND @threshold > 0 AND a.spent + c.cost >= @threshold)
            FROM before b, counted c
            WHERE a.tenant = @tenant AND a.period = @period
            RETURNING a.spent, a.reserved, a.alerted, b.alerted
            """);
        settle.Parameters.AddWithValue("now", now);
        settle.Parameters.AddWithValue("id", reservation.Id);
        settle.Parameters.AddWithValue("tenant", reservation.TenantId ?? string.Empty);
        settle.Parameters.AddWithValue("period", reservation.Period.Label);
        settle.Parameters.AddWithValue("cost", actualUsd);
        settle.Parameters.AddWithValue("threshold", budget > 0 ? (decimal)Limits.AlertThreshold * budget : 0m);
        batch.BatchCommands.Add(settle);

        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        if (!await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The budget account of {reservation.TenantId ?? "the host"} for {reservation.Period.Label} is missing.");
        }

        BudgetStatus status = new(reservation.TenantId, budget, reader.GetDecimal(0), reader.GetDecimal(1), Limits.AlertThreshold, reader.GetBoolean(2), reservation.Period);
        bool alert = reader.GetBoolean(2) && !reader.GetBoolean(3);
        Remember(status);
        return new BudgetSettlement(status, alert);
    }

    private async ValueTask<int> TryReleaseAsync(BudgetReservation reservation)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);

        // The account row first, as everywhere else (see the remarks); the hold names the same tenant and period.
        await using NpgsqlCommand release = new("""
            WITH account AS (SELECT 1 FROM eaio_budget_account WHERE tenant = @tenant AND period = @period FOR UPDATE),
                 hold AS (DELETE FROM eaio_budget_hold WHERE id = @id AND EXISTS (SELECT 1 FROM account) RETURNING tenant, period, amount)
            UPDATE eaio_budget_account a SET reserved = a.reserved - h.amount
            FROM hold h WHERE a.tenant = h.tenant AND a.period = h.period
            """, connection);
        release.Parameters.AddWithValue("id", reservation.Id);
        release.Parameters.AddWithValue("tenant", reservation.TenantId ?? string.Empty);
        release.Parameters.AddWithValue("period", reservation.Period.Label);
        return await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        try
        {
            // The expiry step takes the account row like a reservation, so it, too, may be chosen as a deadlock victim.
            return await Retry.ExecuteAsync(static (s, ct) => s.Ledger.TryReadStatusAsync(s.TenantId, s.Now, ct), (Ledger: this, TenantId: tenantId, Now: now), cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("ledger", "read the budget", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default) =>
        _snapshots.GetAsync(tenantId, cancellationToken);

    private async ValueTask<BudgetStatus> TryReadStatusAsync(string? tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadStatusAsync(connection, tenantId, Limits.PeriodOf(now), now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BudgetStatus> ReadStatusAsync(NpgsqlConnection connection, string? tenantId, BudgetPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using NpgsqlBatch batch = new(connection);
        AddAccountAndExpiry(batch, tenantId, period, now);
        NpgsqlBatchCommand select = new("SELECT spent, reserved, alerted FROM eaio_budget_account WHERE tenant = @tenant AND period = @period");
        select.Parameters.AddWithValue("tenant", tenantId ?? string.Empty);
        select.Parameters.AddWithValue("period", period.Label);
        batch.BatchCommands.Add(select);
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        BudgetStatus status = new(tenantId, Limits.BudgetFor(tenantId), reader.GetDecimal(0), reader.GetDecimal(1), Limits.AlertThreshold, reader.GetBoolean(2), period);
        Remember(status);
        return status;
    }

    private void Remember(BudgetStatus status) => _snapshots.Remember(status);

    private static void AddAccount(NpgsqlBatch batch, string? tenantId, BudgetPeriod period)
    {
        NpgsqlBatchCommand account = new("INSERT INTO eaio_budget_account (tenant, period) VALUES (@tenant, @period) ON CONFLICT DO NOTHING");
        account.Parameters.AddWithValue("tenant", tenantId ?? string.Empty);
        account.Parameters.AddWithValue("period", period.Label);
        batch.BatchCommands.Add(account);
    }

    /// <summary>Adds the account row if missing and gives back the holds that expired, each one exactly once.</summary>
    private static void AddAccountAndExpiry(NpgsqlBatch batch, string? tenantId, BudgetPeriod period, DateTimeOffset now)
    {
        AddAccount(batch, tenantId, period);

        // The account row is locked before any hold (the uncorrelated EXISTS is checked once, before the holds are
        // scanned): settling locks the account and then deletes its hold, and the opposite order here could deadlock.
        NpgsqlBatchCommand expire = new("""
            WITH account AS (SELECT 1 FROM eaio_budget_account WHERE tenant = @tenant AND period = @period FOR UPDATE),
                 gone AS (
                    DELETE FROM eaio_budget_hold
                    WHERE tenant = @tenant AND period = @period AND expires <= @now AND EXISTS (SELECT 1 FROM account)
                    RETURNING amount)
            UPDATE eaio_budget_account SET reserved = reserved - g.total
            FROM (SELECT COALESCE(SUM(amount), 0) AS total FROM gone) g
            WHERE tenant = @tenant AND period = @period AND g.total > 0
            """);
        expire.Parameters.AddWithValue("tenant", tenantId ?? string.Empty);
        expire.Parameters.AddWithValue("period", period.Label);
        expire.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(expire);
    }
}
