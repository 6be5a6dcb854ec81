using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// The SQLite ledger's statements on its <see cref="SqliteWriterConnection"/>, each prepared on its first use and run again
/// with new values for every later write of its kind, in this batch and the next.
/// </summary>
internal sealed class SqliteLedgerStatements(SqliteWriterConnection writer) : IDisposable
{
    /// <summary>A tenant's spending, alert flag and live holds in one period.</summary>
    public const string StatusSql = """
        SELECT COALESCE((SELECT spent FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
               COALESCE((SELECT alerted FROM budget_account WHERE tenant = $tenant AND period = $period), 0),
               COALESCE((SELECT SUM(amount) FROM budget_hold WHERE tenant = $tenant AND period = $period AND expires > $now), 0)
        """;

    // The status query's parameters, in the order ReadStatusAsync sets them.
    private static readonly string[] StatusParameters = ["$tenant", "$period", "$now"];

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
        _reserve ??= writer.Prepare("""
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
        _mark ??= writer.Prepare("""
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

        _settle ??= writer.Prepare("""
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
        _release ??= writer.Prepare("DELETE FROM budget_hold WHERE id = $id", "$id");
        Set(_release, write.Reservation.Id.ToString("N"));
        await _release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    /// <summary>Starts the batch's transaction, taking the write lock.</summary>
    /// <returns>A task that completes when the lock is held.</returns>
    public Task BeginAsync() => writer.BeginAsync();

    /// <summary>Commits the batch's transaction.</summary>
    /// <returns>A task that completes when it is committed.</returns>
    public Task CommitAsync() => writer.CommitAsync();

    /// <summary>Rolls the batch's transaction back, when one is open.</summary>
    public void RollBack() => writer.RollBack();

    /// <summary>Reads a tenant's status in a period with <see cref="StatusSql"/>.</summary>
    /// <param name="tenant">The tenant ('' for none).</param>
    /// <param name="period">The period's label.</param>
    /// <param name="nowTicks">Now, in UTC ticks: holds expiring before it do not count.</param>
    /// <returns>Spent units, whether the alert was raised, and held units.</returns>
    public Task<(long Spent, bool Alerted, long Held)> ReadStatusAsync(string tenant, string period, long nowTicks) =>
        ReadStatusAsync(_status ??= writer.Prepare(StatusSql, StatusParameters), tenant, period, nowTicks, CancellationToken.None);

    /// <summary>Creates a command running <see cref="StatusSql"/> on a connection, for <see cref="ReadStatusAsync(SqliteCommand, string, string, long, CancellationToken)"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>The command, for the caller to dispose.</returns>
    public static SqliteCommand CreateStatus(SqliteConnection connection) => SqliteWriterConnection.Command(connection, StatusSql, StatusParameters);

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
    public void Dispose() => writer.Dispose();

    private static void Set(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
