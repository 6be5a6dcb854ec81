using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Eaio.Routing;

/// <summary>
/// The request log in PostgreSQL, shared by every host: a TimescaleDB hypertable when that extension is installed and
/// preloaded on the server (see <see cref="IsHypertableAsync"/>), a plain table indexed by time otherwise.
/// </summary>
/// <remarks>
/// As with <see cref="SqliteRequestLog"/>, <see cref="Record"/> only queues the entry; one background writer sends what
/// has queued up with a binary <c>COPY</c>, so the request path never waits on the network. <see cref="DisposeAsync"/>
/// waits until everything queued is written. A batch the server refuses is logged as an error with its size. With a
/// retention, the same writer deletes entries older than it a minute after start and then once an hour
/// (<c>REQUEST_LOG_RETENTION_DAYS</c> when registered by <c>AddEaioPostgres</c>); every host sharing the table purges,
/// which is harmless: a delete that finds nothing old costs one index probe.
/// </remarks>
public sealed partial class PostgresRequestLog : IRequestLog, IAsyncDisposable, IDisposable
{
    private const string Columns = "ts, request_id, response_id, provider, model, tier, privacy, complexity, outcome, error_type, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, fallbacks, quality, rate_limit, streamed, category";

    private readonly PostgresStore _store;
    private readonly ILogger _logger;
    private readonly RequestLogQueue _queue;

    /// <summary>Initializes a new instance of the <see cref="PostgresRequestLog"/> class and starts its background writer.</summary>
    /// <param name="store">The database.</param>
    /// <param name="logger">Where write failures are reported, or <see langword="null"/>.</param>
    /// <param name="batchSize">The most entries sent in one <c>COPY</c>.</param>
    /// <param name="queueCapacity">The most entries waiting for the writer; beyond it entries are dropped and counted (see <see cref="Dropped"/>).</param>
    /// <param name="retention">How long entries are kept; older ones are deleted once an hour. <see langword="null"/> keeps every entry.</param>
    /// <param name="timeProvider">The clock of the purge; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> or <paramref name="queueCapacity"/> is less than 1,
    /// or <paramref name="retention"/> is not longer than zero.</exception>
    public PostgresRequestLog(PostgresStore store, ILogger<PostgresRequestLog>? logger = null, int batchSize = 1024, int queueCapacity = 100_000, TimeSpan? retention = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        RequestLogRetention.Validate(retention, nameof(retention));
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = new RequestLogQueue(
            queueCapacity,
            batchSize,
            WriteBatchAsync,
            null,
            _logger,
            "PostgreSQL",
            retention is { } kept ? new RequestLogRetention(kept, timeProvider ?? TimeProvider.System, DeleteOlderThanAsync) : null);
    }

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
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand update = new("UPDATE eaio_request_log SET quality = @quality WHERE response_id = @id", connection);
        update.Parameters.AddWithValue("quality", score);
        update.Parameters.AddWithValue("id", responseId);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<RequestLogEntry> ReadAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand select = new($"SELECT {Columns} FROM eaio_request_log WHERE ts >= @from AND ts < @to", connection);

        // Npgsql writes timestamptz only from offset zero; the same instant in UTC means the same range.
        select.Parameters.AddWithValue("from", since.ToUniversalTime());
        select.Parameters.AddWithValue("to", until.ToUniversalTime());
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new RequestLogEntry
            {
                Timestamp = reader.GetFieldValue<DateTimeOffset>(0),
                RequestId = reader.GetString(1),
                ResponseId = reader.IsDBNull(2) ? null : reader.GetString(2),
                Provider = reader.GetString(3),
                Model = reader.GetString(4),
                Tier = (ProviderTier)reader.GetInt16(5),
                Privacy = (PrivacyLevel)reader.GetInt16(6),
                Complexity = reader.GetDouble(7),
                Outcome = (RequestOutcome)reader.GetInt16(8),
                ErrorType = reader.IsDBNull(9) ? null : reader.GetString(9),
                LatencyMs = reader.GetDouble(10),
                TimeToFirstTokenMs = reader.IsDBNull(11) ? null : reader.GetDouble(11),
                InputTokens = reader.GetInt64(12),
                OutputTokens = reader.GetInt64(13),
                CostUsd = reader.GetDecimal(14),
                Fallbacks = reader.GetInt32(15),
                QualityScore = reader.IsDBNull(16) ? null : reader.GetDouble(16),
                RateLimitUtilization = reader.IsDBNull(17) ? null : reader.GetDouble(17),
                Streamed = reader.GetBoolean(18),
                Category = reader.IsDBNull(19) ? null : reader.GetString(19),
            };
        }
    }

    /// <summary>Tells whether the request log is a TimescaleDB hypertable on this server.</summary>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns><see langword="true"/> when TimescaleDB manages the table.</returns>
    public async Task<bool> IsHypertableAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Without the extension there are no hypertables (and no catalogue to ask); with it, its own catalogue says.
        await using NpgsqlCommand extension = new("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')", connection);
        if (!(bool)(await extension.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return false;
        }

        await using NpgsqlCommand hypertable = new("SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'eaio_request_log')", connection);
        return (bool)(await hypertable.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Stops taking entries and waits until every queued entry is written.</summary>
    /// <returns>A task that completes when the writer has finished.</returns>
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    /// <summary>Stops taking entries and blocks until every queued entry is written.</summary>
    public void Dispose() => _queue.Dispose();

    /// <summary>The purge, on the writer between batches. One statement: PostgreSQL's readers never wait on a delete, and
    /// on a hypertable the ts index lets it touch only the old chunks.</summary>
    private async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using NpgsqlCommand delete = new("DELETE FROM eaio_request_log WHERE ts < @cutoff", connection);
        delete.Parameters.AddWithValue("cutoff", cutoff.ToUniversalTime());
        return await delete.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private async Task WriteBatchAsync(List<RequestLogEntry> batch)
    {
        try
        {
            await using NpgsqlConnection connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync($"COPY eaio_request_log ({Columns}) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
            foreach (RequestLogEntry e in batch)
            {
                await copy.StartRowAsync().ConfigureAwait(false);

                // In UTC, as Npgsql requires for timestamptz: one caller's local offset would otherwise fail the whole batch.
                await copy.WriteAsync(e.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz).ConfigureAwait(false);
                await copy.WriteAsync(e.RequestId, NpgsqlDbType.Text).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.ResponseId, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(e.Provider, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(e.Model, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync((short)e.Tier, NpgsqlDbType.Smallint).ConfigureAwait(false);
                await copy.WriteAsync((short)e.Privacy, NpgsqlDbType.Smallint).ConfigureAwait(false);
                await copy.WriteAsync(e.Complexity, NpgsqlDbType.Double).ConfigureAwait(false);
                await copy.WriteAsync((short)e.Outcome, NpgsqlDbType.Smallint).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.ErrorType, NpgsqlDbType.Text).ConfigureAwait(false);
                await copy.WriteAsync(e.LatencyMs, NpgsqlDbType.Double).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.TimeToFirstTokenMs, NpgsqlDbType.Double).ConfigureAwait(false);
                await copy.WriteAsync(e.InputTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await copy.WriteAsync(e.OutputTokens, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await copy.WriteAsync(e.CostUsd, NpgsqlDbType.Numeric).ConfigureAwait(false);
                await copy.WriteAsync(e.Fallbacks, NpgsqlDbType.Integer).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.QualityScore, NpgsqlDbType.Double).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.RateLimitUtilization, NpgsqlDbType.Double).ConfigureAwait(false);
                await copy.WriteAsync(e.Streamed, NpgsqlDbType.Boolean).ConfigureAwait(false);
                await WriteNullableAsync(copy, e.Category, NpgsqlDbType.Text).ConfigureAwait(false);
            }

            await copy.CompleteAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The writer outlives any one failure: a lost batch is reported, the next one is tried afresh.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWriteFailed(batch.Count, ex);
        }
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : class =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : struct =>
        value is { } v ? copy.WriteAsync(v, type) : copy.WriteNullAsync();

    [LoggerMessage(LogLevel.Error, "The PostgreSQL request log could not write {Count} entries; they are lost.")]
    private partial void LogWriteFailed(int count, Exception exception);
}
