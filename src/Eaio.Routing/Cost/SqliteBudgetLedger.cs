using System.Collections.Concurrent;
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
/// The routing policy's <see cref="GetSnapshot"/> is answered from the last status this process saw when it is at most
/// <see cref="SnapshotMaxAge"/> old; the reservation itself always checks the store, so a stale snapshot can only change
/// which routes are planned, never let a call overspend.
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
    private readonly ConcurrentDictionary<string, (BudgetStatus Status, long At)> _snapshots = new(StringComparer.Ordinal);

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
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets what the ledger enforces.</summary>
    public BudgetLimits Limits { get; }

    /// <summary>Gets how old a status may be to answer <see cref="GetSnapshot"/> without reading the store.</summary>
    public TimeSpan SnapshotMaxAge { get; init; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public async ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        DateTimeOffset now = _time.GetUtcNow();
        BudgetPeriod period = Limits.PeriodOf(now);
        decimal budget = Limits.BudgetFor(tenantId);
        BudgetReservation reservation = new(Guid.NewGuid(), tenantId, amountUsd, period, now + Limits.ReservationLifetime);

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
    public async ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);
        DateTimeOffset now = _time.GetUtcNow();
        string tenant = reservation.TenantId ?? string.Empty;
        decimal budget = Limits.BudgetFor(reservation.TenantId);

        // What was spent is counted whatever the caller's token says: a cancelled settlement would lose money.
        await using SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
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

        BudgetStatus status = await ReadStatusAsync(connection, reservation.TenantId, reservation.Period, now, CancellationToken.None).ConfigureAwait(false);
        return new BudgetSettlement(status, alert);
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);

        // Released whatever the caller's token says: a hold left behind would block budget until it expires.
        await using SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM budget_hold WHERE id = $id";
        delete.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
        await delete.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadStatusAsync(connection, tenantId, Limits.PeriodOf(now), now, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public BudgetSnapshot GetSnapshot(string? tenantId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_snapshots.TryGetValue(tenantId ?? string.Empty, out (BudgetStatus Status, long At) seen)
            && _time.GetElapsedTime(seen.At) <= SnapshotMaxAge && seen.Status.Period.Contains(now))
        {
            return seen.Status.ToSnapshot();
        }

        // The policy plans synchronously; this read happens at most once per SnapshotMaxAge and tenant.
        return GetStatusAsync(tenantId).AsTask().GetAwaiter().GetResult().ToSnapshot();
    }

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
        _snapshots[tenantId ?? string.Empty] = (status, _time.GetTimestamp());
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
