using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The default budget ledger: tables in the embedded SQLite file (WAL), shared by every process that opens it.</summary>
/// <remarks>
/// <para>
/// A reservation is one conditional <c>INSERT … SELECT … WHERE spent + held + amount &lt;= budget</c>: SQLite runs a
/// write statement under its database write lock, so the check and the hold are one step for every process on the file.
/// A settlement removes the hold and adds the cost in one <c>BEGIN IMMEDIATE</c> transaction, once per reservation: its id
/// is kept for 62 days, and settling it again counts nothing.
/// </para>
/// <para>
/// Amounts are stored as whole units of 10⁻⁹ US dollars (a token of the cheapest listed model costs about 10⁻⁸), holds
/// rounded up and costs to the nearest unit. A hold left by a process that died lapses at its expiry: holds past it no
/// longer count and are deleted by later settlements.
/// </para>
/// <para>
/// Its connections run WAL with <c>synchronous = NORMAL</c>: a commit survives the process dying at any point, but the
/// last commits before a power cut or an operating-system crash can be lost (spending under-counted by the calls of those
/// moments). With <c>FULL</c> every reserve and settle waits for the disk, a third of the throughput measured in
/// <c>docs/benchmarks.md</c>. The audit log keeps <c>FULL</c>: a record must be durable before the response is returned.
/// </para>
/// <para>
/// The routing policy's <see cref="GetSnapshotAsync"/> is answered from the last status this process saw when it is at most
/// <see cref="SnapshotMaxAge"/> old (synchronously), else from one read that every request planning meanwhile awaits;
/// the reservation itself always checks the store, so a stale snapshot can only change which routes are planned, never
/// let a call overspend.
/// </para>
/// <para>
/// A lock held by another connection is waited for up to 30 s (SQLite's busy timeout); a statement refused for a lock
/// without that wait (locked, or a stale read snapshot) runs again a few times with jittered backoff. Every failure of
/// the file reaches the caller as an <see cref="EaioStorageException"/> naming it.
/// </para>
/// </remarks>
public sealed class SqliteBudgetLedger : IBudgetLedger
{
    private const decimal UnitsPerUsd = 1_000_000_000m;

    /// <summary>The largest amount the store can hold, in US dollars: amounts are 64-bit counts of billionths of a dollar.</summary>
    public const decimal MaxAmountUsd = long.MaxValue / UnitsPerUsd;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS budget_account (
            tenant  TEXT    NOT NULL,
            period  TEXT    NOT NULL,
            spent   INTEGER NOT NULL,
            alerted INTEGER NOT NULL,
            PRIMARY KEY (tenant, period));
        CREATE TABLE IF NOT EXISTS budget_hold (
            id      TEXT    NOT NULL PRIMARY KEY,
            tenant  TEXT    NOT NULL,
            period  TEXT    NOT NULL,
            amount  INTEGER NOT NULL,
            expires INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS budget_hold_account ON budget_hold (tenant, period, expires);
        CREATE INDEX IF NOT EXISTS budget_hold_expires ON budget_hold (expires);
        CREATE TABLE IF NOT EXISTS budget_settled (
            id      TEXT    NOT NULL PRIMARY KEY,
            at      INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS budget_settled_at ON budget_settled (at);
        """;

    /// <summary>How long a settled reservation's id is kept, so that settling it again counts nothing: longer than a period,
    /// so a settlement recorded while the store was down and applied later is still recognised.</summary>
    private static readonly TimeSpan s_settledKept = TimeSpan.FromDays(62);

    private readonly SqliteFile _file;
    private readonly TimeProvider _time;
    private readonly BudgetSnapshotCache _snapshots;

    /// <summary>Initializes a new instance of the <see cref="SqliteBudgetLedger"/> class.</summary>
    /// <param name="path">The database file (by default <c>eaio.db</c> in the data directory); its folder is created when missing.</param>
    /// <param name="limits">The budgets, alert threshold, time zone and reservation lifetime.</param>
    /// <param name="timeProvider">The clock for periods and expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is <see langword="null"/>.</exception>
    public SqliteBudgetLedger(string path, BudgetLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(limits);
        Path = System.IO.Path.GetFullPath(path);
        Limits = limits;
        _time = timeProvider ?? TimeProvider.System;
        _file = new SqliteFile(Path, Schema, "NORMAL");
        _snapshots = new BudgetSnapshotCache(_time, async tenant => await GetStatusAsync(tenant).ConfigureAwait(false));
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets what the ledger enforces.</summary>
    public BudgetLimits Limits { get; }

    /// <summary>Gets how old a status may be to answer <see cref="GetSnapshotAsync"/> without reading the store.</summary>
    public TimeSpan SnapshotMaxAge
    {
        get => _snapshots.MaxAge;
        init => _snapshots.MaxAge = value;
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written, or stayed locked after the retries.</exception>
    public async ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        DateTimeOffset now = _time.GetUtcNow();
        BudgetReservation reservation = new(Guid.NewGuid(), tenantId, amountUsd, Limits.PeriodOf(now), now + Limits.ReservationLifetime);
        try
        {
            return await Retry.ExecuteAsync(static (s, ct) => s.Ledger.TryReserveAsync(s.Reservation, s.Now, ct), (Ledger: this, Reservation: reservation, Now: now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Failure("reserve budget", ex);
        }
    }

    private async ValueTask<BudgetReservation> TryReserveAsync(BudgetReservation reservation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? tenantId = reservation.TenantId;
        BudgetPeriod period = reservation.Period;
        decimal amountUsd = reservation.AmountUsd;
        decimal budget = Limits.BudgetFor(tenantId);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO budget_hold (id, tenant, period, amount, expires)
            SELECT $id, $tenant, $period, $amount, $expires
            WHERE COALESCE((SELECT spent FROM budget_account WHERE tenant = $tenant AND period = $period), 0)
                + COALESCE((SELECT SUM(amount) FROM budget_hold WHERE tenant = $tenant AND period = $period AND expires > $now), 0)
                + $amount <= $budget
            """;
        insert.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
        insert.Parameters.AddWithValue("$tenant", tenantId ?? string.Empty);
        insert.Parameters.AddWithValue("$period", period.Label);
        insert.Parameters.AddWithValue("$amount", ToUnits(amountUsd, ceiling: true));
        insert.Parameters.AddWithValue("$expires", reservation.ExpiresAt.UtcTicks);
        insert.Parameters.AddWithValue("$now", now.UtcTicks);
        insert.Parameters.AddWithValue("$budget", ToUnits(budget, ceiling: false));
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return reservation;
        }

        BudgetStatus status = await ReadStatusAsync(connection, tenantId, period, now, cancellationToken).ConfigureAwait(false);
        throw new BudgetExceededException(status, amountUsd);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written, or stayed locked after the retries.</exception>
    public async ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);

        // What was spent is counted whatever the caller's token says: a cancelled settlement would lose money.
        DateTimeOffset now = _time.GetUtcNow();
        try
        {
            await using SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
            bool alert = await Retry.ExecuteAsync(
                static (s, _) => s.Ledger.TrySettleAsync(s.Connection, s.Reservation, s.ActualUsd, s.Now),
                (Ledger: this, Connection: connection, Reservation: reservation, ActualUsd: actualUsd, Now: now),
                CancellationToken.None).ConfigureAwait(false);

            // Read after the commit and outside the retry: a failure here must not settle the call a second time.
            BudgetStatus status = await ReadStatusAsync(connection, reservation.TenantId, reservation.Period, now, CancellationToken.None).ConfigureAwait(false);
            return new BudgetSettlement(status, alert);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Failure("settle a call's cost", ex);
        }
    }

    /// <summary>One settling transaction, rolled back whole on any failure (so it may run again); returns whether it raised the alert.</summary>
    private async ValueTask<bool> TrySettleAsync(SqliteConnection connection, BudgetReservation reservation, decimal actualUsd, DateTimeOffset now)
    {
        string tenant = reservation.TenantId ?? string.Empty;
        decimal budget = Limits.BudgetFor(reservation.TenantId);
        await ExecuteAsync(connection, "BEGIN IMMEDIATE").ConfigureAwait(false);
        bool alert = false;
        try
        {
            // Idempotent by reservation id: a settlement retried after a failure that came after its commit, or recorded as
            // pending and applied later, counts once.
            bool first;
            await using (SqliteCommand mark = connection.CreateCommand())
            {
                mark.CommandText = """
                    DELETE FROM budget_settled WHERE at <= $prune;
                    INSERT INTO budget_settled (id, at) VALUES ($id, $now) ON CONFLICT (id) DO NOTHING;
                    SELECT changes();
                    """;
                mark.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
                mark.Parameters.AddWithValue("$now", now.UtcTicks);
                mark.Parameters.AddWithValue("$prune", (now - s_settledKept).UtcTicks);
                first = Convert.ToInt64(await mark.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
            }

            if (first)
            {
                await using SqliteCommand settle = connection.CreateCommand();
                settle.CommandText = """
                    DELETE FROM budget_hold WHERE id = $id OR expires <= $now;
                    INSERT INTO budget_account (tenant, period, spent, alerted) VALUES ($tenant, $period, $cost, 0)
                    ON CONFLICT (tenant, period) DO UPDATE SET spent = spent + excluded.spent;
                    UPDATE budget_account SET alerted = 1
                    WHERE tenant = $tenant AND period = $period AND alerted = 0 AND $threshold > 0 AND spent >= $threshold;
                    SELECT changes();
                    """;
                settle.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
                settle.Parameters.AddWithValue("$now", now.UtcTicks);
                settle.Parameters.AddWithValue("$tenant", tenant);
                settle.Parameters.AddWithValue("$period", reservation.Period.Label);
                settle.Parameters.AddWithValue("$cost", ToUnits(actualUsd, ceiling: false));
                settle.Parameters.AddWithValue("$threshold", budget > 0 ? ToUnits((decimal)Limits.AlertThreshold * budget, ceiling: true) : 0L);
                alert = Convert.ToInt64(await settle.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
            }

            await ExecuteAsync(connection, "COMMIT").ConfigureAwait(false);
        }
        catch
        {
            await ExecuteAsync(connection, "ROLLBACK").ConfigureAwait(false);
            throw;
        }

        return alert;
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);

        // Released whatever the caller's token says: a hold left behind would block budget until it expires.
        try
        {
            _ = await Retry.ExecuteAsync(static (s, _) => s.Ledger.TryReleaseAsync(s.Reservation), (Ledger: this, Reservation: reservation), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Failure("release a hold", ex);
        }
    }

    private async ValueTask<int> TryReleaseAsync(BudgetReservation reservation)
    {
        await using SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM budget_hold WHERE id = $id";
        delete.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
        return await delete.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read.</exception>
    public async ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        try
        {
            await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await ReadStatusAsync(connection, tenantId, Limits.PeriodOf(now), now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Failure("read the budget", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read.</exception>
    public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default) =>
        _snapshots.GetAsync(tenantId, cancellationToken);

    /// <summary>Gets or sets how transactions SQLite reported busy or locked are run again; internal so tests can fix the jitter.</summary>
    internal StoreRetry Retry { get; init; } = new(IsConflict);

    /// <summary>
    /// Whether SQLite refused a statement for a lock without waiting for it: locked (a conflict within one shared cache) or
    /// busy because a read snapshot went stale (another connection wrote since). A plain busy has already waited out the
    /// 30 s busy timeout, SQLite's own retry; running it again would only make the caller wait minutes.
    /// </summary>
    internal static bool IsConflict(Exception ex) => ex is SqliteException { SqliteErrorCode: 6 } or SqliteException { SqliteExtendedErrorCode: 517 };

    /// <summary>A failure of the file itself, as opposed to the caller's cancellation or a budget refusal.</summary>
    private static bool IsStoreFailure(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException;

    private EaioStorageException Failure(string operation, Exception ex) => new($"SQLite ledger at {Path}", operation, ex);

    private async Task<BudgetStatus> ReadStatusAsync(SqliteConnection connection, string? tenantId, BudgetPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = """
            SELECT COALESCE((SELECT spent FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
                   COALESCE((SELECT alerted FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
                   COALESCE((SELECT SUM(amount) FROM budget_hold WHERE tenant = $tenant AND period = $period AND expires > $now), 0)
            """;
        select.Parameters.AddWithValue("$tenant", tenantId ?? string.Empty);
        select.Parameters.AddWithValue("$period", period.Label);
        select.Parameters.AddWithValue("$now", now.UtcTicks);
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        BudgetStatus status = new(
            tenantId,
            Limits.BudgetFor(tenantId),
            reader.GetInt64(0) / UnitsPerUsd,
            reader.GetInt64(2) / UnitsPerUsd,
            Limits.AlertThreshold,
            reader.GetInt64(1) != 0,
            period);
        _snapshots.Remember(status);
        return status;
    }

    private static long ToUnits(decimal usd, bool ceiling)
    {
        if (usd > MaxAmountUsd)
        {
            throw new ArgumentOutOfRangeException(nameof(usd), usd, $"The SQLite budget ledger holds amounts up to ${decimal.Floor(MaxAmountUsd)} (billionths of a dollar in 64 bits).");
        }

        decimal units = usd * UnitsPerUsd;
        return (long)(ceiling ? decimal.Ceiling(units) : decimal.Round(units, MidpointRounding.AwayFromZero));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

}
