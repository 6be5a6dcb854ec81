using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The audit log's statements on its <see cref="SqliteWriterConnection"/>, kept between batches.</summary>
internal sealed class SqliteAuditWriter : IDisposable
{
    private readonly SqliteWriterConnection _writer;
    private readonly SqliteCommand _head;
    private readonly SqliteCommand _insert;

    private SqliteAuditWriter(SqliteWriterConnection writer)
    {
        _writer = writer;

        // The newest row, else the last record a retention cut removed (the caller falls back to the genesis).
        _head = writer.Prepare("""
            SELECT seq, hash FROM (
                SELECT seq, hash FROM (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1)
                UNION ALL
                SELECT seq, hash FROM (SELECT seq, hash FROM audit_cut ORDER BY seq DESC LIMIT 1))
            ORDER BY seq DESC LIMIT 1
            """);
        _insert = writer.Prepare("INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, $alg)", "$seq", "$entry", "$prev", "$hash", "$alg");
    }

    /// <summary>Opens the writer on the audit file (created on first use, with its durability setting).</summary>
    /// <param name="file">The audit log's file.</param>
    /// <returns>The writer.</returns>
    public static async Task<SqliteAuditWriter> OpenAsync(SqliteFile file) =>
        new(await SqliteWriterConnection.OpenAsync(file).ConfigureAwait(false));

    /// <summary>Starts the batch's transaction, taking the write lock before the head is read.</summary>
    /// <returns>A task that completes when the lock is held.</returns>
    public Task BeginAsync() => _writer.BeginAsync();

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
        SqliteParameterCollection values = _insert.Parameters;
        values[0].Value = sequence;
        values[1].Value = entryJson;
        values[2].Value = previous;
        values[3].Value = hash;
        values[4].Value = (int)algorithm;
        return _insert.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Commits the batch: one flush to disk (<c>synchronous = FULL</c>).</summary>
    /// <returns>A task that completes when the records are durable.</returns>
    public Task CommitAsync() => _writer.CommitAsync();

    /// <summary>Rolls the batch back, when a transaction is open.</summary>
    public void RollBack() => _writer.RollBack();

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
