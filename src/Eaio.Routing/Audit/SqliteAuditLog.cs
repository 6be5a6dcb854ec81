using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>The default audit store: one embedded SQLite file in WAL mode (<c>eaio-audit.db</c>), created on first use.</summary>
/// <remarks>
/// <para>
/// Appends are group-committed: they queue in memory, and whichever caller gets to write takes everything queued into one
/// <c>BEGIN IMMEDIATE</c> transaction that reads the chain's head and inserts the records in order, with one flush to disk
/// (<c>synchronous = FULL</c>) for all of them. Each append completes only once that commit is done, so a record is durable
/// before its caller's response, and a burst of requests pays for a few flushes instead of one each. Writers in other
/// processes sharing the file serialise on SQLite's write lock, so the chain never forks. At most
/// <see cref="QueueCapacity"/> records wait; further appends wait for room.
/// </para>
/// <para>
/// The file is the audit log's own: sharing <c>eaio.db</c> with the budget ledger and request log made every reservation
/// and request-log batch wait on the audit's flushes (requests stalled in steps of 150 ms, issue 17).
/// </para>
/// <para>
/// With a retention, records older than it are exported to a JSON Lines file beside the database
/// (<c>eaio-audit-&lt;first&gt;-&lt;last&gt;.jsonl</c>, one record a line with its chain fields, verifiable on its own with
/// <see cref="AuditExport.VerifyAsync"/>) and only then deleted, leaving a sealed retention cut: verification of the
/// records kept starts from the last removed record's hash, and with <c>AUDIT_HMAC_KEY</c> the cut cannot be moved to hide
/// further deletions. A run of records whose chain does not verify is neither exported nor deleted.
/// </para>
/// <para>A file written before keyed chains gets the <c>alg</c> column on first use; its records stay SHA-256 and verify as before.</para>
/// </remarks>
public sealed partial class SqliteAuditLog : IAuditLog, IDisposable
{
    /// <summary>The most records waiting to be written; further appends wait for room.</summary>
    public const int QueueCapacity = 4_096;

    /// <summary>The most records one retention step exports and deletes: each step is its own short transaction.</summary>
    private const int RecordsPerCut = 10_000;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            seq   INTEGER NOT NULL UNIQUE,
            entry TEXT    NOT NULL,
            prev  TEXT    NOT NULL,
            hash  TEXT    NOT NULL,
            alg   INTEGER NOT NULL DEFAULT 1);
        CREATE TABLE IF NOT EXISTS audit_cut (
            seq   INTEGER NOT NULL PRIMARY KEY,
            hash  TEXT    NOT NULL,
            seal  TEXT    NOT NULL,
            alg   INTEGER NOT NULL,
            file  TEXT    NOT NULL,
            at    INTEGER NOT NULL);
        """;

    /// <summary>The move of an <c>audit</c> table left in <c>eaio.db</c>: in insertion order, which is the chain's, and only into
    /// a file without records or a retention cut of its own.</summary>
    private static readonly SqliteTableMove s_move = new()
    {
        Table = "audit",
        Columns = ["seq", "entry", "prev", "hash", "alg"],
        Defaults = new Dictionary<string, string>(StringComparer.Ordinal) { ["alg"] = "1" },
        Order = "rowid",
        Occupied = "SELECT (SELECT COUNT(*) FROM audit) + (SELECT COUNT(*) FROM audit_cut)",
        Remedy = "drop the old table once you have exported it ('audit export')",
    };

    private readonly SqliteFile _file;
    private readonly AuditChain _chain;
    private readonly GroupCommitQueue<PendingAuditAppend, AuditRecord> _queue;
    private readonly TimeSpan? _retention;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer? _purgeTimer;

    // The writing connection, opened by the first batch and kept; only the group commit's one writer at a time uses it.
    private SqliteAuditWriter? _writer;

    // One retention run at a time in this process (the timer's and a caller's); never asked for a wait handle, so it holds
    // nothing to dispose. Processes sharing the file are kept apart by the cut's check under the write lock.
#pragma warning disable CA2213
    private readonly SemaphoreSlim _retaining = new(1, 1);
#pragma warning restore CA2213

    /// <summary>Initializes a new instance of the <see cref="SqliteAuditLog"/> class.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c>, which keys the chain (HMAC-SHA256) so a record cannot be
    /// forged without it; <see langword="null"/> for an unkeyed (SHA-256) chain, which finds accidental damage only.</param>
    /// <param name="retention">How long records are kept (<c>AUDIT_RETENTION_DAYS</c>); older ones are exported, then deleted,
    /// a minute after start and then once an hour. <see langword="null"/> keeps every record.</param>
    /// <param name="timeProvider">The clock of the retention; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where retention runs and their failures are reported, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> or <paramref name="hmacKey"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is not longer than zero.</exception>
    public SqliteAuditLog(string path, byte[]? hmacKey = null, TimeSpan? retention = null, TimeProvider? timeProvider = null, ILogger<SqliteAuditLog>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (retention is { } r && r <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), r, "The audit log's retention must be longer than zero, or null to keep every record.");
        }

        _chain = new AuditChain(hmacKey);
        Path = System.IO.Path.GetFullPath(path);
        _file = new SqliteFile(Path, Schema, "FULL", UpgradeAsync);
        _queue = new GroupCommitQueue<PendingAuditAppend, AuditRecord>(QueueCapacity, QueueCapacity, WriteBatchAsync, (_, ex) => Failure(ex));
        _retention = retention;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (retention is not null)
        {
            _purgeTimer = _time.CreateTimer(_ => _ = PurgeOnTimerAsync(), null, RequestLogRetention.FirstPurgeDelay, RequestLogRetention.PurgeInterval);
        }
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets the file whose <c>audit</c> table is moved into this one on first use (an <c>eaio.db</c> written before the
    /// audit log had its own file), or <see langword="null"/>.</summary>
    internal string? MoveFrom { get; init; }

    /// <summary>Gets how many transactions appended records: with group commit, far fewer than the records under load.</summary>
    internal long Commits => _queue.Commits;

    /// <summary>Gets how many records wait for a writer (for tests).</summary>
    internal int Queued => _queue.Queued;

    /// <summary>Gets how many records a writer has taken and not yet written (for tests).</summary>
    internal int InFlight => _queue.InFlight;

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written.</exception>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _queue.WriteAsync(PendingAuditAppend.Of(entry), cancellationToken);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (AuditRow row in RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRecord(row.Sequence, AuditChain.Deserialize(row.EntryJson), row.PreviousHash, row.Hash) { Algorithm = row.Algorithm };
        }
    }

    /// <inheritdoc/>
    /// <remarks>After a retention cut, the chain is checked from the cut: the kept records must continue from the last
    /// removed record's hash (<see cref="AuditVerification.Start"/>).</remarks>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        // The cut and the rows are read in one read transaction, so a retention step in between cannot tear them apart.
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        (AuditChainStart? start, long cutAfter, string? problem) = await ReadCutAsync(connection, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return new AuditVerification(false, 0, cutAfter + 1, problem) { IsKeyed = _chain.Algorithm == AuditHashAlgorithm.HmacSha256 };
        }

        return await _chain.VerifyAsync(RowsAsync(connection, cancellationToken), start, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Exports the records older than the retention to JSON Lines files beside the database and then deletes them, leaving
    /// a sealed cut; runs by itself a minute after start and then once an hour.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>How many records were exported and deleted; 0 without a retention.</returns>
    /// <exception cref="EaioStorageException">The file could not be read or written, or an export file could not be written.</exception>
    public async Task<long> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        if (_retention is not { } retention || RequestLogRetention.Cutoff(_time.GetUtcNow(), retention) is not { } cutoff)
        {
            return 0;
        }

        await _retaining.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RetainAsync(cutoff, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _retaining.Release();
        }
    }

    /// <summary>Stops the retention timer; appends and reads keep working.</summary>
    public void Dispose()
    {
        _purgeTimer?.Dispose();
        _writer?.Dispose();
        _writer = null;
    }

    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    private Exception Failure(Exception ex) =>
        ex is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException
            ? new EaioStorageException($"SQLite audit log at {Path}", "append a record", ex)
            : ex;

    /// <summary>Appends the batch's records in order, after the chain's head, in one transaction with one flush.</summary>
    private async Task<AuditRecord[]> WriteBatchAsync(IReadOnlyList<PendingAuditAppend> batch)
    {
        // Written whatever any caller's token says: the batch belongs to every caller in it, and is durable before any
        // returns. Only the queue's one writer at a time gets here, so the writer's connection is not shared.
        SqliteAuditWriter writer = _writer ??= await SqliteAuditWriter.OpenAsync(_file).ConfigureAwait(false);
        try
        {
            // BEGIN IMMEDIATE takes the write lock before reading the head, so no other writer can append in between.
            await writer.BeginAsync().ConfigureAwait(false);
            (long last, string previous) = await writer.HeadAsync().ConfigureAwait(false);
            AuditRecord[] records = new AuditRecord[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                long sequence = last + 1 + i;
                string link = _chain.Link(previous, sequence, batch[i].Json);
                await writer.InsertAsync(sequence, batch[i].Json, previous, link, _chain.Algorithm).ConfigureAwait(false);
                records[i] = new AuditRecord(sequence, batch[i].Entry, previous, link) { Algorithm = _chain.Algorithm };
                previous = link;
            }

            await writer.CommitAsync().ConfigureAwait(false);
            return records;
        }
        catch
        {
            // The next batch starts on a new connection, as it would have from the pool.
            writer.RollBack();
            writer.Dispose();
            _writer = null;
            throw;
        }
    }

    /// <summary>The latest retention cut, its seal checked, or <see langword="null"/> when none was made.</summary>
    private async Task<(AuditChainStart? Start, long CutAfter, string? Problem)> ReadCutAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT seq, hash, seal, alg FROM audit_cut ORDER BY seq DESC LIMIT 1";
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (null, 0, null);
        }

        long sequence = reader.GetInt64(0);
        (AuditChainStart? start, string? problem) = _chain.OpenCut(sequence, reader.GetString(1), reader.GetString(2), (AuditHashAlgorithm)reader.GetInt32(3));
        return (start, sequence, problem);
    }

    private async IAsyncEnumerable<AuditRow> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (AuditRow row in RowsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static async IAsyncEnumerable<AuditRow> RowsAsync(SqliteConnection connection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using SqliteCommand select = connection.CreateCommand();

        // Ordered by rowid, the order of insertion: ordering by seq would hide a record whose seq was changed.
        select.CommandText = "SELECT seq, entry, prev, hash, alg FROM audit ORDER BY rowid";
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (AuditHashAlgorithm)reader.GetInt32(4));
        }
    }

    /// <summary>Exports and deletes the oldest records before the cutoff, at most <see cref="RecordsPerCut"/>; returns how many.</summary>
    private async Task<long> CutAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        (AuditChainStart? start, _, string? problem) = await ReadCutAsync(connection, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            LogCutRefused(_logger, Path, problem);
            return 0;
        }

        // The oldest records, in chain order, up to the first one still inside the retention.
        List<(long RowId, AuditRow Row)> expired = [];
        await using (SqliteCommand select = connection.CreateCommand())
        {
            select.CommandText = "SELECT rowid, seq, entry, prev, hash, alg FROM audit ORDER BY rowid LIMIT $n";
            select.Parameters.AddWithValue("$n", RecordsPerCut);
            await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                AuditRow row = new(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), (AuditHashAlgorithm)reader.GetInt32(5));
                if (AuditChain.Deserialize(row.EntryJson).Timestamp >= cutoff)
                {
                    break;
                }

                expired.Add((reader.GetInt64(0), row));
            }
        }

        if (expired.Count == 0)
        {
            return 0;
        }

        // Only an intact run is removed: a damaged one stays where verification names it.
        AuditVerification check = await _chain.VerifyAsync(expired.Select(e => e.Row).ToAsyncEnumerable(), start, cancellationToken).ConfigureAwait(false);
        if (!check.IsValid)
        {
            LogCutRefused(_logger, Path, check.Problem!);
            return 0;
        }

        AuditRow last = expired[^1].Row;
        string file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $"eaio-audit-{expired[0].Row.Sequence:D12}-{last.Sequence:D12}.jsonl");
        await AuditExport.WriteAsync(file, expired.Select(e => e.Row), cancellationToken).ConfigureAwait(false);

        await using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        await using (SqliteCommand oldest = connection.CreateCommand())
        {
            // Another process may have made this cut meanwhile: then its export stands, and this one is a duplicate.
            oldest.CommandText = "SELECT MIN(rowid) FROM audit";
            if (await oldest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long first || first != expired[0].RowId)
            {
                return 0;
            }
        }

        await using (SqliteCommand cut = connection.CreateCommand())
        {
            cut.CommandText = """
                INSERT INTO audit_cut (seq, hash, seal, alg, file, at) VALUES ($seq, $hash, $seal, $alg, $file, $at);
                DELETE FROM audit WHERE rowid <= $last;
                """;
            cut.Parameters.AddWithValue("$seq", last.Sequence);
            cut.Parameters.AddWithValue("$hash", last.Hash);
            cut.Parameters.AddWithValue("$seal", _chain.Seal(last.Sequence, last.Hash));
            cut.Parameters.AddWithValue("$alg", (int)_chain.Algorithm);
            cut.Parameters.AddWithValue("$file", System.IO.Path.GetFileName(file));
            cut.Parameters.AddWithValue("$at", _time.GetUtcNow().ToUnixTimeMilliseconds());
            cut.Parameters.AddWithValue("$last", expired[^1].RowId);
            await cut.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogCut(_logger, Path, expired.Count, cutoff, file);
        return expired.Count;
    }

    private async Task<long> RetainAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        try
        {
            long removed = 0;
            while (true)
            {
                long step = await CutAsync(cutoff, cancellationToken).ConfigureAwait(false);
                removed += step;
                if (step < RecordsPerCut)
                {
                    return removed;
                }
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new EaioStorageException($"SQLite audit log at {Path}", "export and delete records past their retention", ex);
        }
    }

    private async Task PurgeOnTimerAsync()
    {
        // A run still going (a large first export) is not queued behind: the next tick finds what is left.
        if (!await _retaining.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (RequestLogRetention.Cutoff(_time.GetUtcNow(), _retention!.Value) is { } cutoff)
            {
                _ = await RetainAsync(cutoff, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A timer callback has no caller: the failure is logged and the next run tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCutFailed(_logger, Path, ex);
        }
        finally
        {
            _retaining.Release();
        }
    }

    private async Task UpgradeAsync(SqliteConnection connection)
    {
        await AddAlgorithmColumnAsync(connection).ConfigureAwait(false);
        if (MoveFrom is { } legacy)
        {
            await s_move.RunAsync(legacy, connection, Path).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the <c>alg</c> column to a file written before keyed chains; its records are all SHA-256 (the default).</summary>
    private static Task AddAlgorithmColumnAsync(SqliteConnection connection) =>
        SqliteFile.AddColumnIfMissingAsync(connection, "audit", "alg", "INTEGER NOT NULL DEFAULT 1");

    [LoggerMessage(LogLevel.Information, "The audit log ({Store}) exported {Count} records older than {Cutoff:u} to {File} and deleted them (its retention).")]
    private static partial void LogCut(ILogger logger, string store, int count, DateTimeOffset cutoff, string file);

    [LoggerMessage(LogLevel.Error, "The audit log ({Store}) keeps its records past their retention: {Problem}. Run 'audit verify' to see the damage.")]
    private static partial void LogCutRefused(ILogger logger, string store, string problem);

    [LoggerMessage(LogLevel.Warning, "The audit log ({Store}) could not export and delete records past their retention; it tries again in an hour. No record was lost.")]
    private static partial void LogCutFailed(ILogger logger, string store, Exception exception);
}
