using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// The audit log's writing connection, kept open between batches with its statements prepared once: the group commit
/// lets one batch write at a time, so one connection serves every batch of the process.
/// </summary>
/// <remarks>
/// Taking a pooled connection, setting its pragmas and preparing <c>BEGIN IMMEDIATE</c>, the head query, the insert and
/// <c>COMMIT</c> again for every batch cost about 160 µs of a single durable append's 370 µs on the test machine, as much
/// as the flush itself, and it is on the request's path (docs/benchmarks.md, issue 17). After any failure the writer is
/// dropped and the next batch opens a new one, as a pooled connection would have been.
/// </remarks>
internal sealed class SqliteAuditWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _head;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _commit;
    private readonly SqliteParameter _sequence;
    private readonly SqliteParameter _entry;
    private readonly SqliteParameter _previous;
    private readonly SqliteParameter _hash;
    private readonly SqliteParameter _algorithm;

    private SqliteAuditWriter(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Command("BEGIN IMMEDIATE");
        _commit = Command("COMMIT");

        // The newest row, else the last record a retention cut removed (the caller falls back to the genesis).
        _head = Command("""
            SELECT seq, hash FROM (
                SELECT seq, hash FROM (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1)
                UNION ALL
                SELECT seq, hash FROM (SELECT seq, hash FROM audit_cut ORDER BY seq DESC LIMIT 1))
            ORDER BY seq DESC LIMIT 1
            """);
        _insert = Command("INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, $alg)");
        _sequence = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _entry = _insert.Parameters.Add("$entry", SqliteType.Text);
        _previous = _insert.Parameters.Add("$prev", SqliteType.Text);
        _hash = _insert.Parameters.Add("$hash", SqliteType.Text);
        _algorithm = _insert.Parameters.Add("$alg", SqliteType.Integer);
    }

    /// <summary>Opens the writer on the audit file (created on first use, with its durability setting).</summary>
    /// <param name="file">The audit log's file.</param>
    /// <returns>The writer.</returns>
    public static async Task<SqliteAuditWriter> OpenAsync(SqliteFile file) =>
        new(await file.OpenAsync(CancellationToken.None).ConfigureAwait(false));

    /// <summary>Starts the batch's transaction, taking the write lock before the head is read.</summary>
    /// <returns>A task that completes when the lock is held.</returns>
    public Task BeginAsync() => _begin.ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Reads the chain's last record: the newest row, else the last record a retention cut removed, else the genesis.</summary>
    /// <returns>Its sequence number and hash.</returns>
    public async Task<(long Sequence, string Hash)> HeadAsync()
    {
        await using SqliteDataReader reader = await _head.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        return await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false)
            ? (reader.GetInt64(0), reader.GetString(1))
            : (0, AuditChain.Genesis);
    }

    /// <summary>Inserts one record of the chain.</summary>
    /// <param name="sequence">Its sequence number.</param>
    /// <param name="entryJson">Its entry's JSON.</param>
    /// <param name="previous">The previous record's hash.</param>
    /// <param name="hash">Its own hash.</param>
    /// <param name="algorithm">The chain's hash algorithm.</param>
    /// <returns>A task that completes when the row is inserted.</returns>
    public Task InsertAsync(long sequence, string entryJson, string previous, string hash, AuditHashAlgorithm algorithm)
    {
        _sequence.Value = sequence;
        _entry.Value = entryJson;
        _previous.Value = previous;
        _hash.Value = hash;
        _algorithm.Value = (int)algorithm;
        return _insert.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Commits the batch: one flush to disk (<c>synchronous = FULL</c>).</summary>
    /// <returns>A task that completes when the records are durable.</returns>
    public Task CommitAsync() => _commit.ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Rolls the batch back, when a transaction is open.</summary>
    public void RollBack()
    {
        if (_connection.State == System.Data.ConnectionState.Open)
        {
            using SqliteCommand rollback = Command("ROLLBACK");
            try
            {
                rollback.ExecuteNonQuery();
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                // No transaction was open (BEGIN itself failed), or the connection broke: nothing to undo, and the
                // batch's own failure is what its callers get.
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _begin.Dispose();
        _head.Dispose();
        _insert.Dispose();
        _commit.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string text)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = text;
        return command;
    }
}
