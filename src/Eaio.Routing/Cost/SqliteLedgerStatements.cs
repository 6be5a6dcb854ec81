using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// The SQLite ledger's writing connection and its statements, each prepared on its first use and run again with new values
/// for every later write of its kind, in this batch and the next: the group commit lets one batch write at a time, so one
/// connection serves every batch of the process.
/// </summary>
/// <remarks>
/// Taking a pooled connection, setting its pragmas and preparing the transaction's statements again for every batch cost
/// about as much as the writes themselves, twice per external call (reserve, then settle), on the request's path
/// (docs/benchmarks.md, issue 17). After any failure the ledger drops these statements and opens new ones.
/// </remarks>
internal sealed class SqliteLedgerStatements(SqliteConnection connection) : IDisposable
{
    /// <summary>A tenant's spending, alert flag and live holds in one period.</summary>
    public const string StatusSql = """
        SELECT COALESCE((SELECT spent FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
               COALESCE((SELECT alerted FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
               COALESCE((SELECT SUM(amount) FROM budget_hold WHERE tenant = $tenant AND period = $period AND expires > $now), 0)
        """;

    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private SqliteCommand? _status;
    private SqliteCommand? _reserve;
    private SqliteCommand? _mark;
    private SqliteCommand? _settle;
    private SqliteCommand? _release;

    /// <summary>Holds the amount if spent, live holds (the batch's earlier ones included) and the amount fit the budget.</summary>
    /// <returns>Whether the hold was made.</returns>
    public async Task<bool> ReserveAsync(LedgerWrite write)
    {
        // One statement, so the check and the hold are one step even outside a transaction; inside the batch's, it also sees
        // the holds and costs the writes before it left.
        _reserve ??= Create("""
            INSERT INTO budget_hold (id, tenant, period, amount, expires)
            SELECT $id, $tenant, $period, $amount, $expires
            WHERE COALESCE((SELECT spent FROM budget_account WHERE tenant = $tenant AND period = $period), 0)
                + COALESCE((SELECT SUM(amount) FROM budget_hold WHERE tenant = $tenant AND period = $period AND expires > $now), 0)
                + $amount <= $budget
            """, "$id", "$tenant", "$period", "$amount", "$expires", "$now", "$budget");
        BudgetReservation reservation = write.Reservation;
        Set(_reserve, reservation.Id.ToString("N"), reservation.TenantId ?? string.Empty, reservation.Period.Label, write.Units, reservation.ExpiresAt.UtcTicks, write.Now.UtcTicks, write.BudgetUnits);
        return await _reserve.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1;
    }

    /// <summary>Removes the hold and counts the cost, unless this reservation was settled before.</summary>
    /// <param name="write">The settlement.</param>
    /// <param name="settledKept">How long a settled reservation's id is kept.</param>
    /// <returns>Whether this settlement raised the period's alert.</returns>
    public async Task<bool> SettleAsync(LedgerWrite write, TimeSpan settledKept)
    {
        // Idempotent by reservation id: a settlement retried after a failure that came after its commit, recorded as pending
        // and applied later, or queued twice in one batch, counts once.
        _mark ??= Create("""
            DELETE FROM budget_settled WHERE at <= $prune;
            INSERT INTO budget_settled (id, at) VALUES ($id, $now) ON CONFLICT (id) DO NOTHING;
            SELECT changes();
            """, "$id", "$now", "$prune");
        BudgetReservation reservation = write.Reservation;
        string id = reservation.Id.ToString("N");
        Set(_mark, id, write.Now.UtcTicks, (write.Now - settledKept).UtcTicks);
        if (Convert.ToInt64(await _mark.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false), CultureInfo.InvariantCulture) != 1)
        {
            return false;
        }

        _settle ??= Create("""
            DELETE FROM budget_hold WHERE id = $id OR expires <= $now;
            INSERT INTO budget_account (tenant, period, spent, alerted) VALUES ($tenant, $period, $cost, 0)
            ON CONFLICT (tenant, period) DO UPDATE SET spent = spent + excluded.spent;
            UPDATE budget_account SET alerted = 1
            WHERE tenant = $tenant AND period = $period AND alerted = 0 AND $threshold > 0 AND spent >= $threshold;
            SELECT changes();
            """, "$id", "$now", "$tenant", "$period", "$cost", "$threshold");
        Set(_settle, id, write.Now.UtcTicks, reservation.TenantId ?? string.Empty, reservation.Period.Label, write.Units, write.ThresholdUnits);
        return Convert.ToInt64(await _settle.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Removes the hold, if it is still there.</summary>
    /// <returns>Always <see langword="true"/>: a hold already gone (settled, expired) is released too.</returns>
    public async Task<bool> ReleaseAsync(LedgerWrite write)
    {
        _release ??= Create("DELETE FROM budget_hold WHERE id = $id", "$id");
        Set(_release, write.Reservation.Id.ToString("N"));
        await _release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    /// <summary>Gets the connection the statements run on.</summary>
    public SqliteConnection Connection => connection;

    /// <summary>Starts the batch's transaction, taking the write lock.</summary>
    /// <returns>A task that completes when the lock is held.</returns>
    public Task BeginAsync() => (_begin ??= Create("BEGIN IMMEDIATE")).ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Commits the batch's transaction.</summary>
    /// <returns>A task that completes when it is committed.</returns>
    public Task CommitAsync() => (_commit ??= Create("COMMIT")).ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Rolls the batch's transaction back, when one is open; a failure to do so is left to the batch's own.</summary>
    public void RollBack()
    {
        try
        {
            using SqliteCommand rollback = Create("ROLLBACK");
            rollback.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            // No transaction was open (BEGIN itself failed), or the connection broke: nothing to undo.
        }
    }

    /// <summary>Reads a tenant's status in a period with <see cref="StatusSql"/>.</summary>
    /// <param name="tenant">The tenant ('' for none).</param>
    /// <param name="period">The period's label.</param>
    /// <param name="nowTicks">Now, in UTC ticks: holds expiring before it do not count.</param>
    /// <returns>Spent units, whether the alert was raised, and held units.</returns>
    public Task<(long Spent, bool Alerted, long Held)> ReadStatusAsync(string tenant, string period, long nowTicks) =>
        ReadStatusAsync(_status ??= CreateStatus(connection), tenant, period, nowTicks, CancellationToken.None);

    /// <summary>Creates a command running <see cref="StatusSql"/> on a connection, for <see cref="ReadStatusAsync(SqliteCommand, string, string, long, CancellationToken)"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>The command, for the caller to dispose.</returns>
    public static SqliteCommand CreateStatus(SqliteConnection connection)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = StatusSql;
        command.Parameters.Add(new SqliteParameter { ParameterName = "$tenant" });
        command.Parameters.Add(new SqliteParameter { ParameterName = "$period" });
        command.Parameters.Add(new SqliteParameter { ParameterName = "$now" });
        return command;
    }

    /// <summary>Reads a tenant's status in a period with a command made by <see cref="CreateStatus"/>.</summary>
    /// <param name="status">The command.</param>
    /// <param name="tenant">The tenant ('' for none).</param>
    /// <param name="period">The period's label.</param>
    /// <param name="nowTicks">Now, in UTC ticks.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Spent units, whether the alert was raised, and held units.</returns>
    public static async Task<(long Spent, bool Alerted, long Held)> ReadStatusAsync(SqliteCommand status, string tenant, string period, long nowTicks, CancellationToken cancellationToken)
    {
        Set(status, tenant, period, nowTicks);
        await using SqliteDataReader reader = await status.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1) != 0, reader.GetInt64(2));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (SqliteCommand? command in new[] { _begin, _commit, _status, _reserve, _mark, _settle, _release })
        {
            command?.Dispose();
        }

        connection.Dispose();
    }

    private SqliteCommand Create(string sql, params ReadOnlySpan<string> parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
