using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>The default request log: a table in an embedded SQLite file of its own (<c>eaio-requests.db</c>, beside the routing feedback store).</summary>
/// <remarks>
/// <para>
/// The file is not the budget ledger's (<c>eaio.db</c>): a batch insert or a purge holds its file's write lock, and a
/// reservation or settlement, made before and after every external call, would wait for it (issue 17).
/// </para>
/// <para>
/// <see cref="Record"/> only puts the entry in a channel; one background writer takes what has queued up and inserts it in
/// one transaction per batch, so the request path never waits on the disk. <see cref="DisposeAsync"/> (and
/// <see cref="Dispose"/>) stop taking entries and wait until everything queued is written: nothing is lost on a normal
/// shutdown. A batch the database refuses is logged as an error with its size. With a retention, the same writer deletes
/// entries older than it a minute after start and then once an hour (<c>REQUEST_LOG_RETENTION_DAYS</c> when registered
/// by <c>AddEaioHybridChat</c>), so the file stops growing once it holds a retention's worth of entries.
/// </para>
/// </remarks>
public sealed partial class SqliteRequestLog : IRequestLog, IAsyncDisposable, IDisposable
{
    private const int RowsPerStatement = 32;

    // A purge deletes this many rows per statement, each its own short transaction: the feedback store shares the file (and a
    // host may give every store one path), and one delete of months of rows would hold its write lock for long.
    private const int RowsPerPurgeStatement = 5_000;
    private const string Columns = "request_id, response_id, ts, provider, model, tier, privacy, complexity, outcome, error_type, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, fallbacks, quality, rate_limit, streamed, category";

    /// <summary>The insert's parameters, in the order of <see cref="Columns"/>.</summary>
    private static readonly (string Name, SqliteType Type)[] s_parameters =
    [
        ("$rq", SqliteType.Text), ("$rs", SqliteType.Text), ("$ts", SqliteType.Integer), ("$p", SqliteType.Text),
        ("$m", SqliteType.Text), ("$tier", SqliteType.Integer), ("$priv", SqliteType.Integer), ("$cx", SqliteType.Real),
        ("$out", SqliteType.Integer), ("$err", SqliteType.Text), ("$lat", SqliteType.Real), ("$ttft", SqliteType.Real),
        ("$in", SqliteType.Integer), ("$outt", SqliteType.Integer), ("$cost", SqliteType.Real), ("$fb", SqliteType.Integer),
        ("$q", SqliteType.Real), ("$rl", SqliteType.Real), ("$st", SqliteType.Integer), ("$cat", SqliteType.Text),
    ];

    // Times are Unix milliseconds and enums integers: the report reads a month of rows, so rows stay small.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS request_log (
            id            INTEGER PRIMARY KEY,
            request_id    TEXT    NOT NULL,
            response_id   TEXT,
            ts            INTEGER NOT NULL,
            provider      TEXT    NOT NULL,
            model         TEXT    NOT NULL,
            tier          INTEGER NOT NULL,
            privacy       INTEGER NOT NULL,
            complexity    REAL    NOT NULL,
            outcome       INTEGER NOT NULL,
            error_type    TEXT,
            latency_ms    REAL    NOT NULL,
            ttft_ms       REAL,
            input_tokens  INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_usd      REAL    NOT NULL,
            fallbacks     INTEGER NOT NULL,
            quality       REAL,
            rate_limit    REAL,
            streamed      INTEGER NOT NULL,
            category      TEXT);
        CREATE INDEX IF NOT EXISTS request_log_ts ON request_log (ts);
        CREATE INDEX IF NOT EXISTS request_log_response ON request_log (response_id) WHERE response_id IS NOT NULL;
        """;

    /// <summary>The move of a <c>request_log</c> table left in <c>eaio.db</c>, ids (and so the feedback's rows) kept.</summary>
    private static readonly SqliteTableMove s_move = new()
    {
        Table = "request_log",
        Columns = [.. ("id, " + Columns).Split(", ")],
        Defaults = new Dictionary<string, string>(StringComparer.Ordinal) { ["category"] = "NULL" },
        Order = "id",
        Remedy = "drop the old table (DROP TABLE request_log) once its rows are no longer needed",
    };

    private readonly SqliteFile _file;
    private readonly ILogger _logger;
    private readonly RequestLogQueue _queue;

    // Only the writer task touches these: one connection and prepared insert for the log's lifetime, not one per batch.
    private SqliteConnection? _writeConnection;
    private Inserts? _inserts;

    /// <summary>Initializes a new instance of the <see cref="SqliteRequestLog"/> class and starts its background writer.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <param name="logger">Where write failures are reported, or <see langword="null"/>.</param>
    /// <param name="batchSize">The most entries written in one transaction.</param>
    /// <param name="queueCapacity">The most entries waiting for the writer; beyond it entries are dropped and counted (see <see cref="Dropped"/>).</param>
    /// <param name="retention">How long entries are kept; older ones are deleted once an hour. <see langword="null"/> keeps every entry.</param>
    /// <param name="timeProvider">The clock of the purge; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> or <paramref name="queueCapacity"/> is less than 1,
    /// or <paramref name="retention"/> is not longer than zero.</exception>
    public SqliteRequestLog(string path, ILogger<SqliteRequestLog>? logger = null, int batchSize = 512, int queueCapacity = 100_000, TimeSpan? retention = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        RequestLogRetention.Validate(retention, nameof(retention));
        Path = System.IO.Path.GetFullPath(path);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _file = new SqliteFile(Path, Schema, synchronous: null, UpgradeAsync);

        // Bounded: when the disk cannot keep up, the log drops entries (counted) rather than the host running out of memory.
        _queue = new RequestLogQueue(
            queueCapacity,
            batchSize,
            WriteBatchAsync,
            CloseWriter,
            _logger,
            Path,
            retention is { } kept ? new RequestLogRetention(kept, timeProvider ?? TimeProvider.System, DeleteOlderThanAsync) : null);
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets the file whose <c>request_log</c> table is moved into this one on first use (an <c>eaio.db</c> written
    /// before the request log had its own file), or <see langword="null"/>.</summary>
    internal string? MoveFrom { get; init; }

    /// <summary>Gets how many entries were dropped because the queue was full (also the <c>eaio.request_log.dropped</c> metric).</summary>
    public long Dropped => _queue.Dropped;

    /// <inheritdoc/>
    public void Record(RequestLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _queue.Record(entry);
    }

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _queue.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> RecordFeedbackAsync(string responseId, double score, CancellationToken cancellationToken = default)
    {
        QualityScore.Validate(responseId, score);

        // The response may still be queued: store it first, so feedback given right after the answer is not lost.
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand update = connection.CreateCommand();
        update.CommandText = "UPDATE request_log SET quality = $quality WHERE response_id = $id";
        update.Parameters.AddWithValue("$quality", score);
        update.Parameters.AddWithValue("$id", responseId);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<RequestLogEntry> ReadAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM request_log WHERE ts >= $from AND ts < $to";
        select.Parameters.AddWithValue("$from", since.ToUnixTimeMilliseconds());
        select.Parameters.AddWithValue("$to", until.ToUnixTimeMilliseconds());

        // Microsoft.Data.Sqlite reads synchronously under its async API; the synchronous reader skips a task per row.
        using SqliteDataReader reader = select.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new RequestLogEntry
            {
                RequestId = reader.GetString(0),
                ResponseId = reader.IsDBNull(1) ? null : reader.GetString(1),
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                Provider = reader.GetString(3),
                Model = reader.GetString(4),
                Tier = (ProviderTier)reader.GetInt32(5),
                Privacy = (PrivacyLevel)reader.GetInt32(6),
                Complexity = reader.GetDouble(7),
                Outcome = (RequestOutcome)reader.GetInt32(8),
                ErrorType = reader.IsDBNull(9) ? null : reader.GetString(9),
                LatencyMs = reader.GetDouble(10),
                TimeToFirstTokenMs = reader.IsDBNull(11) ? null : reader.GetDouble(11),
                InputTokens = reader.GetInt64(12),
                OutputTokens = reader.GetInt64(13),
                CostUsd = (decimal)reader.GetDouble(14),
                Fallbacks = reader.GetInt32(15),
                QualityScore = reader.IsDBNull(16) ? null : reader.GetDouble(16),
                RateLimitUtilization = reader.IsDBNull(17) ? null : reader.GetDouble(17),
                Streamed = reader.GetInt64(18) != 0,
                Category = reader.IsDBNull(19) ? null : reader.GetString(19),
            };
        }
    }

    /// <summary>Writes many entries in one transaction, straight to the database (not through the queue): for imports and benchmarks.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when they are committed.</returns>
    public async Task WriteAsync(IEnumerable<RequestLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using Inserts inserts = new(connection);
        Insert(inserts, entries);
    }

    /// <summary>The report's read: only the columns it aggregates, handed over one by one without a task or an entry object per row.</summary>
    internal async Task ScanReportRowsAsync(DateTimeOffset since, DateTimeOffset until, Action<ReportRow> onRow, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        ScanReportRows(connection, since, until, onRow, cancellationToken);
    }

    private static void ScanReportRows(SqliteConnection connection, DateTimeOffset since, DateTimeOffset until, Action<ReportRow> onRow, CancellationToken cancellationToken)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = """
            SELECT provider, model, tier, complexity, outcome, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, quality, rate_limit, category
            FROM request_log WHERE ts >= $from AND ts < $to
            """;
        select.Parameters.AddWithValue("$from", since.ToUnixTimeMilliseconds());
        select.Parameters.AddWithValue("$to", until.ToUnixTimeMilliseconds());
        using SqliteDataReader reader = select.ExecuteReader();
        string provider = string.Empty, model = string.Empty;
        string? category = null;
        int rows = 0;
        while (reader.Read())
        {
            if ((++rows & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // A month holds a handful of models: keep one string per run of rows instead of two new ones per row.
            string p = reader.GetString(0), m = reader.GetString(1);
            provider = string.Equals(p, provider, StringComparison.Ordinal) ? provider : p;
            model = string.Equals(m, model, StringComparison.Ordinal) ? model : m;
            string? c = reader.IsDBNull(12) ? null : reader.GetString(12);
            category = string.Equals(c, category, StringComparison.Ordinal) ? category : c;
            onRow(new ReportRow(
                provider,
                model,
                (ProviderTier)reader.GetInt32(2),
                reader.GetDouble(3),
                (RequestOutcome)reader.GetInt32(4),
                reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.GetInt64(7),
                reader.GetInt64(8),
                (decimal)reader.GetDouble(9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10),
                reader.IsDBNull(11) ? null : reader.GetDouble(11),
                category));
        }
    }

    /// <summary>Stops taking entries and waits until every queued entry is written.</summary>
    /// <returns>A task that completes when the writer has finished.</returns>
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    /// <summary>Stops taking entries and blocks until every queued entry is written, for hosts that dispose synchronously.</summary>
    public void Dispose() => _queue.Dispose();

    /// <summary>Creates the insert of <paramref name="rows"/> rows in one statement, prepared.</summary>
    private static SqliteCommand CreateInsert(SqliteConnection connection, int rows)
    {
        SqliteCommand insert = connection.CreateCommand();
        StringBuilder sql = new($"INSERT INTO request_log ({Columns}) VALUES ");
        for (int row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ",(");
            for (int column = 0; column < s_parameters.Length; column++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"{s_parameters[column].Name}{row}");
                sql.Append(column == 0 ? string.Empty : ",").Append(name);
                insert.Parameters.Add(name, s_parameters[column].Type);
            }

            sql.Append(')');
        }

        insert.CommandText = sql.ToString();
        insert.Prepare();
        return insert;
    }

    /// <summary>Inserts entries in one transaction, <see cref="RowsPerStatement"/> per statement while there are that many.</summary>
    private static void Insert(Inserts inserts, IEnumerable<RequestLogEntry> entries)
    {
        using SqliteTransaction transaction = inserts.Many.Connection!.BeginTransaction();
        inserts.Many.Transaction = transaction;
        inserts.One.Transaction = transaction;
        int pending = 0;
        foreach (RequestLogEntry e in entries)
        {
            Bind(inserts.Many.Parameters, pending * s_parameters.Length, e);
            if (++pending == RowsPerStatement)
            {
                inserts.Many.ExecuteNonQuery();
                pending = 0;
            }
        }

        // The rest, one by one, from the values already bound to the many-row statement.
        for (int row = 0; row < pending; row++)
        {
            for (int column = 0; column < s_parameters.Length; column++)
            {
                inserts.One.Parameters[column].Value = inserts.Many.Parameters[(row * s_parameters.Length) + column].Value;
            }

            inserts.One.ExecuteNonQuery();
        }

        transaction.Commit();
        inserts.Many.Transaction = null;
        inserts.One.Transaction = null;
    }

    private static void Bind(SqliteParameterCollection p, int at, RequestLogEntry e)
    {
        p[at].Value = e.RequestId;
        p[at + 1].Value = (object?)e.ResponseId ?? DBNull.Value;
        p[at + 2].Value = e.Timestamp.ToUnixTimeMilliseconds();
        p[at + 3].Value = e.Provider;
        p[at + 4].Value = e.Model;
        p[at + 5].Value = (int)e.Tier;
        p[at + 6].Value = (int)e.Privacy;
        p[at + 7].Value = e.Complexity;
        p[at + 8].Value = (int)e.Outcome;
        p[at + 9].Value = (object?)e.ErrorType ?? DBNull.Value;
        p[at + 10].Value = e.LatencyMs;
        p[at + 11].Value = (object?)e.TimeToFirstTokenMs ?? DBNull.Value;
        p[at + 12].Value = e.InputTokens;
        p[at + 13].Value = e.OutputTokens;
        p[at + 14].Value = (double)e.CostUsd;
        p[at + 15].Value = e.Fallbacks;
        p[at + 16].Value = (object?)e.QualityScore ?? DBNull.Value;
        p[at + 17].Value = (object?)e.RateLimitUtilization ?? DBNull.Value;
        p[at + 18].Value = e.Streamed ? 1 : 0;
        p[at + 19].Value = (object?)e.Category ?? DBNull.Value;
    }

    private void CloseWriter()
    {
        _inserts?.Dispose();
        _inserts = null;
        _writeConnection?.Dispose();
        _writeConnection = null;
    }

    private async Task<Inserts> OpenWriterAsync()
    {
        if (_inserts is null)
        {
            _writeConnection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);

            // WAL with NORMAL: a commit is not synced to disk on its own, which keeps the writer ahead of busy hosts; after
            // a power cut the last batches may be missing, never corrupt. The budget ledger and audit log stay on FULL.
            using (SqliteCommand pragma = _writeConnection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = NORMAL";
                pragma.ExecuteNonQuery();
            }

            _inserts = new Inserts(_writeConnection);
        }

        return _inserts;
    }

    /// <summary>The purge, on the writer (the queue calls it between batches), so it reuses the writer's connection.</summary>
    private async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff)
    {
        try
        {
            Inserts inserts = await OpenWriterAsync().ConfigureAwait(false);
            using SqliteCommand delete = inserts.Many.Connection!.CreateCommand();
            delete.CommandText = "DELETE FROM request_log WHERE id IN (SELECT id FROM request_log WHERE ts < $cutoff LIMIT $rows)";
            delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
            delete.Parameters.AddWithValue("$rows", RowsPerPurgeStatement);
            long total = 0;
            int deleted;
            do
            {
                deleted = delete.ExecuteNonQuery();
                total += deleted;
            }
            while (deleted == RowsPerPurgeStatement);
            return total;
        }
        catch
        {
            // As after a failed batch: the next write starts on a fresh connection. The queue reports the failure.
            CloseWriter();
            throw;
        }
    }

    private async Task WriteBatchAsync(List<RequestLogEntry> batch)
    {
        try
        {
            Insert(await OpenWriterAsync().ConfigureAwait(false), batch);
        }
#pragma warning disable CA1031 // The writer outlives any one failure: a lost batch is reported, the next one is tried afresh.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWriteFailed(batch.Count, Path, ex);
            CloseWriter();
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    private async Task UpgradeAsync(SqliteConnection connection)
    {
        await AddCategoryColumnAsync(connection).ConfigureAwait(false);
        if (MoveFrom is { } legacy)
        {
            await s_move.RunAsync(legacy, connection, Path).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the <c>category</c> column to a file written before categories were logged; its rows keep none.</summary>
    private static Task AddCategoryColumnAsync(SqliteConnection connection) =>
        SqliteFile.AddColumnIfMissingAsync(connection, "request_log", "category", "TEXT");

    [LoggerMessage(LogLevel.Error, "The request log could not store {Count} entries in {Path}; they are lost.")]
    private partial void LogWriteFailed(int count, string path, Exception exception);

    /// <summary>The two prepared inserts: many rows per statement (SQLite's per-statement cost is the writer's largest), and one.</summary>
    private sealed class Inserts(SqliteConnection connection) : IDisposable
    {
        public SqliteCommand Many { get; } = CreateInsert(connection, RowsPerStatement);

        public SqliteCommand One { get; } = CreateInsert(connection, 1);

        public void Dispose()
        {
            Many.Dispose();
            One.Dispose();
        }
    }
}
