using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// Moves a store's table out of an <c>eaio.db</c> written before the store had a file of its own (the audit log's
/// <c>eaio-audit.db</c>, the request log's <c>eaio-requests.db</c>): copy, compare every row, then drop the old table.
/// </summary>
/// <remarks>
/// <para>
/// It runs under the old file's write lock, so processes starting together move a table once, and the old table is dropped
/// only after every row of it is found, unchanged and in order, at the start of the new file. The copy and the drop are two
/// transactions on two files, in that order, never one: a transaction across an ATTACHed file is not atomic in WAL mode (each
/// file commits on its own), so a crash between them could keep the drop and lose the copy. A move cut short (the process
/// killed between the copy's commit and the drop) is finished by the next start: the rows are already there, compared
/// again, and the old table dropped. Until the drop, the old file keeps every row.
/// </para>
/// <para>
/// Rows are copied as they are, key included (a damaged audit chain stays damaged, and verification still names the record).
/// The move runs in the new file's creation, before its store reads or writes anything, so the new table holds nothing of
/// its own when the copy starts, or only the copy of an earlier, interrupted move.
/// </para>
/// </remarks>
internal sealed class SqliteTableMove
{
    /// <summary>Gets the table, named the same in both files.</summary>
    public required string Table { get; init; }

    /// <summary>Gets the columns copied and compared, as the new table has them.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>Gets what the copy reads for a column an older version of the table lacks (a SQL expression by column).</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the order the rows are copied and compared in (the table's key, or <c>rowid</c>).</summary>
    public required string Order { get; init; }

    /// <summary>Gets the query counting what in the new file means it already holds data (by default the table's rows).</summary>
    public string? Occupied { get; init; }

    /// <summary>Gets the second way out the refusal offers, after moving the new file aside (for example how to export the old table first).</summary>
    public required string Remedy { get; init; }

    /// <summary>Moves the table from <paramref name="legacyPath"/> into the file <paramref name="target"/> is open on.</summary>
    /// <param name="legacyPath">The old file; nothing happens when it or its table does not exist, or when it is the new file.</param>
    /// <param name="target">An open connection to the new file, whose table exists.</param>
    /// <param name="targetPath">The new file (a full path), for the comparison with <paramref name="legacyPath"/> and messages.</param>
    /// <exception cref="InvalidDataException">The new file already holds other rows; nothing was deleted.</exception>
    public async Task RunAsync(string legacyPath, SqliteConnection target, string targetPath)
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
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $table";
            command.Parameters.AddWithValue("$table", Table);
            bool exists = (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))! != 0;
            command.Parameters.Clear();
            if (!exists)
            {
                command.CommandText = "ROLLBACK";
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }

            string select = $"SELECT {string.Join(", ", await SourceColumnsAsync(legacy).ConfigureAwait(false))} FROM {Table} ORDER BY {Order}";
            await CopyIfEmptyAsync(legacy, select, target).ConfigureAwait(false);
            await CompareAsync(legacy, select, target, legacyFull, targetPath).ConfigureAwait(false);

            command.CommandText = $"DROP TABLE {Table}; COMMIT";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            command.Parameters.Clear();
            command.CommandText = "ROLLBACK";
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool SameValue(object a, object b) =>
        a is byte[] x && b is byte[] y ? x.AsSpan().SequenceEqual(y) : Equals(a, b);

    /// <summary>The old table's columns in the new table's order, with the default of each it lacks.</summary>
    private async Task<List<string>> SourceColumnsAsync(SqliteConnection legacy)
    {
        HashSet<string> present = new(StringComparer.OrdinalIgnoreCase);
        await using SqliteCommand info = legacy.CreateCommand();
        info.CommandText = "SELECT name FROM pragma_table_info($table)";
        info.Parameters.AddWithValue("$table", Table);
        await using (SqliteDataReader names = await info.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await names.ReadAsync().ConfigureAwait(false))
            {
                present.Add(names.GetString(0));
            }
        }

        // A column missing without a default is a table this move does not know: copying would fail on NOT NULL or lose data.
        return [.. Columns.Select(c => present.Contains(c) ? c : Defaults.TryGetValue(c, out string? value)
            ? value
            : throw new InvalidDataException($"The {Table} table of {legacy.DataSource} has no column '{c}'; it was not written by a version of EAIO.Routing this one can move. Nothing was deleted."))];
    }

    private async Task CopyIfEmptyAsync(SqliteConnection legacy, string select, SqliteConnection target)
    {
        await using SqliteCommand write = target.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE";
        await write.ExecuteNonQueryAsync().ConfigureAwait(false);
        try
        {
            write.CommandText = Occupied ?? $"SELECT COUNT(*) FROM {Table}";
            if ((long)(await write.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                write.CommandText = $"INSERT INTO {Table} ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"$p{i}"))})";
                // Bound by each value's own type (Microsoft.Data.Sqlite binds a long as an integer, DBNull as NULL): copied as stored.
                SqliteParameter[] values = [.. Columns.Select((_, i) => write.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value)))];
                await using SqliteCommand read = legacy.CreateCommand();
                read.CommandText = select;
                await using SqliteDataReader rows = await read.ExecuteReaderAsync().ConfigureAwait(false);
                while (await rows.ReadAsync().ConfigureAwait(false))
                {
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i].Value = rows.GetValue(i);
                    }

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
    private async Task CompareAsync(SqliteConnection legacy, string select, SqliteConnection target, string legacyPath, string targetPath)
    {
        await using SqliteCommand readOld = legacy.CreateCommand();
        readOld.CommandText = select;
        await using SqliteCommand readNew = target.CreateCommand();
        readNew.CommandText = $"SELECT {string.Join(", ", Columns)} FROM {Table} ORDER BY {Order}";
        await using SqliteDataReader old = await readOld.ExecuteReaderAsync().ConfigureAwait(false);
        await using SqliteDataReader copy = await readNew.ExecuteReaderAsync().ConfigureAwait(false);
        long row = 0;
        while (await old.ReadAsync().ConfigureAwait(false))
        {
            row++;
            bool same = await copy.ReadAsync().ConfigureAwait(false);
            for (int i = 0; same && i < Columns.Count; i++)
            {
                same = SameValue(old.GetValue(i), copy.GetValue(i));
            }

            if (!same)
            {
                throw new InvalidDataException(
                    $"The {Table} table of {legacyPath} cannot be moved to {targetPath}: row {row} of the old table is not row {row} of the new file, which already holds other rows. " +
                    $"Nothing was deleted. Keep one of them: move {targetPath} aside to copy the old table again, or {Remedy}.");
            }
        }
    }
}
