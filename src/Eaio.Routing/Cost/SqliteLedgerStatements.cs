using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// The SQLite ledger's write statements on one connection inside one transaction, each prepared on its first use and run
/// again with new values for every later write of its kind in the batch.
/// </summary>
internal sealed class SqliteLedgerStatements(SqliteConnection connection) : IAsyncDisposable
{
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
    public async ValueTask DisposeAsync()
    {
        foreach (SqliteCommand? command in new[] { _reserve, _mark, _settle, _release })
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
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
