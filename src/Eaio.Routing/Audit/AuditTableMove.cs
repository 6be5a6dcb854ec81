using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// Moves the <c>audit</c> table of an <c>eaio.db</c> written before the audit log had its own file into
/// <c>eaio-audit.db</c>: copy, compare every row, then drop the old table.
/// </summary>
/// <remarks>
/// <para>
/// It runs under the old file's write lock, so processes starting together move it once, and the old table is dropped
/// only after every row of it is found, unchanged and in order, at the start of the new file. A move cut short (the
/// process killed between the copy's commit and the drop) is finished by the next start: the rows are already there,
/// compared again, and the old table dropped.
/// </para>
/// <para>The rows are copied as they are (a damaged chain stays damaged, and verification still names the record).</para>
/// </remarks>
internal static class AuditTableMove
{
    public static async Task RunAsync(string legacyPath, SqliteConnection target, string targetPath)
    {
        string legacyFull = Path.GetFullPath(legacyPath);
        if (!File.Exists(legacyFull) || string.Equals(legacyFull, targetPath, StringComparison.Ordinal))
        {
            return;
        }

        string connectionString = new SqliteConnectionStringBuilder { DataSource = legacyFull, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();
        await using SqliteConnection legacy = new(connectionString);
        await legacy.OpenAsync().ConfigureAwait(false);
        await using SqliteCommand command = legacy.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        try
        {
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'";
            if ((long)(await command.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                command.CommandText = "ROLLBACK";
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }

            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'alg'";
            string alg = (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))! == 0 ? "1" : "alg";
            string select = $"SELECT seq, entry, prev, hash, {alg} FROM audit ORDER BY rowid";

            await CopyIfEmptyAsync(legacy, select, target).ConfigureAwait(false);
            await CompareAsync(legacy, select, target, legacyFull, targetPath).ConfigureAwait(false);

            command.CommandText = "DROP TABLE audit; COMMIT";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            command.CommandText = "ROLLBACK";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CopyIfEmptyAsync(SqliteConnection legacy, string select, SqliteConnection target)
    {
        await using SqliteCommand write = target.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE";
        await write.ExecuteNonQueryAsync().ConfigureAwait(false);
        try
        {
            write.CommandText = "SELECT (SELECT COUNT(*) FROM audit) + (SELECT COUNT(*) FROM audit_cut)";
            if ((long)(await write.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                write.CommandText = "INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, $alg)";
                SqliteParameter seq = write.Parameters.Add("$seq", SqliteType.Integer);
                SqliteParameter entry = write.Parameters.Add("$entry", SqliteType.Text);
                SqliteParameter prev = write.Parameters.Add("$prev", SqliteType.Text);
                SqliteParameter hash = write.Parameters.Add("$hash", SqliteType.Text);
                SqliteParameter alg = write.Parameters.Add("$alg", SqliteType.Integer);
                await using SqliteCommand read = legacy.CreateCommand();
                read.CommandText = select;
                await using SqliteDataReader rows = await read.ExecuteReaderAsync().ConfigureAwait(false);
                while (await rows.ReadAsync().ConfigureAwait(false))
                {
                    seq.Value = rows.GetInt64(0);
                    entry.Value = rows.GetString(1);
                    prev.Value = rows.GetString(2);
                    hash.Value = rows.GetString(3);
                    alg.Value = rows.GetInt64(4);
                    await write.ExecuteNonQueryAsync().ConfigureAwait(false);
                }

                write.Parameters.Clear();
            }

            write.CommandText = "COMMIT";
            await write.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            write.Parameters.Clear();
            write.CommandText = "ROLLBACK";
            await write.ExecuteNonQueryAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks that the new file begins with every old row, field for field and in order.</summary>
    private static async Task CompareAsync(SqliteConnection legacy, string select, SqliteConnection target, string legacyPath, string targetPath)
    {
        await using SqliteCommand readOld = legacy.CreateCommand();
        readOld.CommandText = select;
        await using SqliteCommand readNew = target.CreateCommand();
        readNew.CommandText = "SELECT seq, entry, prev, hash, alg FROM audit ORDER BY rowid";
        await using SqliteDataReader old = await readOld.ExecuteReaderAsync().ConfigureAwait(false);
        await using SqliteDataReader copy = await readNew.ExecuteReaderAsync().ConfigureAwait(false);
        long row = 0;
        while (await old.ReadAsync().ConfigureAwait(false))
        {
            row++;
            bool same = await copy.ReadAsync().ConfigureAwait(false)
                && old.GetInt64(0) == copy.GetInt64(0)
                && old.GetString(1) == copy.GetString(1)
                && old.GetString(2) == copy.GetString(2)
                && old.GetString(3) == copy.GetString(3)
                && old.GetInt64(4) == copy.GetInt64(4);
            if (!same)
            {
                throw new InvalidDataException(
                    $"The audit table of {legacyPath} cannot be moved to {targetPath}: row {row} of the old table is not row {row} of the new file, which already holds other records. " +
                    $"Nothing was deleted. Keep one of them: move {targetPath} aside to copy the old table again, or drop the old table once you have exported it ('audit export').");
            }
        }
    }
}
