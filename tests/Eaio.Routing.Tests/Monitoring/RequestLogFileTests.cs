using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The request log and routing feedback in their own file, <c>eaio-requests.db</c>, away from the budget ledger's
/// <c>eaio.db</c> (issue 17), and the move of their tables out of an <c>eaio.db</c> written by an earlier version. Real
/// SQLite files throughout.
/// </summary>
[CancelAfter(60_000)]
public sealed class RequestLogFileTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    // The tables as the version before this one created them in eaio.db (SqliteRequestLog.Schema and
    // SqliteRoutingFeedbackStore.Schema of that version, copied verbatim).
    private const string OldSchema = """
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
        CREATE TABLE IF NOT EXISTS routing_feedback (
            category       TEXT    PRIMARY KEY,
            local_count    INTEGER NOT NULL,
            local_score    REAL    NOT NULL,
            external_count INTEGER NOT NULL,
            external_score REAL    NOT NULL);
        """;

    private string _folder = null!;

    private string OldFile => Path.Combine(_folder, "eaio.db");

    private string RequestsFile => Path.Combine(_folder, "eaio-requests.db");

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("eaio-requests-file-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task The_registered_ledger_reserves_and_settles_while_the_request_log_file_is_write_locked()
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o => o.DataDirectory = _folder);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IBudgetLedger ledger = provider.GetRequiredService<IBudgetLedger>();
        SqliteRequestLog requests = (SqliteRequestLog)provider.GetRequiredService<IRequestLog>();
        SqliteRoutingFeedbackStore feedback = (SqliteRoutingFeedbackStore)provider.GetRequiredService<IRoutingFeedbackStore>();
        requests.Record(RequestLogTests.Entry(1));
        await requests.FlushAsync();
        await ledger.GetStatusAsync(null);

        // A request-log batch (or a purge, or another process's) holds its file's write lock. Before the request log had its
        // own file, the ledger shared it and waited here for the 30 s busy timeout.
        await using SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(requests.Path);
        Task<BudgetSettlement> reserveAndSettle = Task.Run(async () =>
        {
            BudgetReservation hold = await ledger.ReserveAsync(null, 0.01m);
            return await ledger.SettleAsync(hold, 0.004m);
        });
        bool finished = await Task.WhenAny(reserveAndSettle, Task.Delay(TimeSpan.FromSeconds(10))) == reserveAndSettle;
        await holder.ReleaseAsync();
        await reserveAndSettle;

        Assert.Multiple(async () =>
        {
            Assert.That(finished, Is.True, "the reservation and settlement finished while the request log's file was locked");
            Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.004m));
            Assert.That(requests.Path, Is.EqualTo(RequestsFile));
            Assert.That(feedback.Path, Is.EqualTo(RequestsFile));
            Assert.That(((SqliteBudgetLedger)ledger).Path, Is.EqualTo(OldFile));
        });
    }

    [Test]
    public async Task An_old_eaio_db_has_its_request_log_and_feedback_moved_and_readable_through_the_new_stores()
    {
        await WriteOldLayoutAsync(rows: 300);
        SqliteBudgetLedger oldLedger = new(OldFile, new BudgetLimits(10m));
        await oldLedger.SettleAsync(await oldLedger.ReserveAsync(null, 1m), 0.25m);
        SqliteConnection.ClearAllPools();

        ServiceCollection services = new();
        services.AddEaioHybridChat(o => o.DataDirectory = _folder);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IRequestLog requests = provider.GetRequiredService<IRequestLog>();
        IRoutingFeedbackStore feedback = provider.GetRequiredService<IRoutingFeedbackStore>();

        List<RequestLogEntry> moved = await requests.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        IReadOnlyDictionary<string, CategoryFeedback> learnt = await feedback.ReadAsync();
        bool scored = await requests.RecordFeedbackAsync("resp-7", 0.9);
        requests.Record(RequestLogTests.Entry(1_000) with { ResponseId = "resp-new" });
        await requests.FlushAsync();
        await feedback.AddAsync("meter-summary", ProviderTier.Local, 1.0);
        OptimizationReport report = await new OptimizationReporter(requests).CreateAsync(s_start, s_start.AddDays(1));

        Assert.Multiple(async () =>
        {
            Assert.That(moved.OrderBy(e => e.LatencyMs), Is.EqualTo(Enumerable.Range(0, 300).Select(OldEntry)), "every row, field for field");
            Assert.That(learnt, Is.EquivalentTo(OldFeedback()));
            Assert.That(scored, Is.True, "feedback finds a moved response");
            Assert.That(await requests.ReadAsync(s_start, s_start.AddDays(1)).CountAsync(), Is.EqualTo(301));
            Assert.That(report.Requests, Is.EqualTo(301));
            Assert.That((await feedback.ReadAsync())["meter-summary"], Is.EqualTo(OldFeedback()["meter-summary"] with
            {
                LocalCount = OldFeedback()["meter-summary"].LocalCount + 1,
                LocalScore = OldFeedback()["meter-summary"].LocalScore + 1.0,
            }));
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "request_log"), Is.False, "the old table is dropped once its copy is compared");
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "routing_feedback"), Is.False);
            Assert.That((await provider.GetRequiredService<IBudgetLedger>().GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.25m), "the ledger stays in eaio.db");
        });
    }

    [Test]
    public async Task A_move_cut_short_after_the_copy_is_finished_on_the_next_start_without_duplicates()
    {
        await WriteOldLayoutAsync(rows: 50);

        // The copy committed and the process died before dropping the old tables: the new file already holds the rows.
        await CopyDatabaseAsync(OldFile, RequestsFile);
        await using SqliteRequestLog log = new(RequestsFile) { MoveFrom = OldFile };
        SqliteRoutingFeedbackStore feedback = new(RequestsFile) { MoveFrom = OldFile };

        List<RequestLogEntry> stored = await log.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        IReadOnlyDictionary<string, CategoryFeedback> learnt = await feedback.ReadAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(stored.OrderBy(e => e.LatencyMs), Is.EqualTo(Enumerable.Range(0, 50).Select(OldEntry)));
            Assert.That(learnt, Is.EquivalentTo(OldFeedback()));
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "request_log"), Is.False);
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "routing_feedback"), Is.False);
        });
    }

    [Test]
    public async Task A_move_killed_during_the_copy_leaves_the_old_rows_and_the_next_start_moves_them()
    {
        await WriteOldLayoutAsync(rows: 40);

        // The process died inside the copy's transaction: SQLite rolls the new file back, the old table was never touched.
        await using (SqliteConnection partial = new($"Data Source={RequestsFile};Pooling=False"))
        {
            await partial.OpenAsync();
            await using SqliteCommand command = partial.CreateCommand();
            command.CommandText = OldSchema + $"ATTACH DATABASE '{OldFile}' AS old; BEGIN IMMEDIATE; INSERT INTO main.request_log SELECT * FROM old.request_log WHERE id < 20;";
            await command.ExecuteNonQueryAsync();

            // Closed without COMMIT, as a killed process leaves it.
        }

        await using SqliteRequestLog log = new(RequestsFile) { MoveFrom = OldFile };
        List<RequestLogEntry> stored = await log.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(stored.OrderBy(e => e.LatencyMs), Is.EqualTo(Enumerable.Range(0, 40).Select(OldEntry)));
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "request_log"), Is.False);
        });
    }

    [Test]
    public async Task Two_starts_at_once_move_the_rows_once()
    {
        await WriteOldLayoutAsync(rows: 2_000);

        // Two stores with their own pools of the new file, as two processes starting together.
        SqliteRequestLog first = new(RequestsFile) { MoveFrom = OldFile };
        SqliteRequestLog second = new(RequestsFile) { MoveFrom = OldFile };
        int[] counts = await Task.WhenAll(
            Task.Run(async () => await first.ReadAsync(s_start, s_start.AddDays(1)).CountAsync()),
            Task.Run(async () => await second.ReadAsync(s_start, s_start.AddDays(1)).CountAsync()));
        await first.DisposeAsync();
        await second.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(counts, Is.EqualTo(new[] { 2_000, 2_000 }));
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "request_log"), Is.False);
        });
    }

    [Test]
    public async Task A_move_onto_a_file_holding_other_rows_is_refused_and_deletes_nothing()
    {
        await WriteOldLayoutAsync(rows: 10);
        await using (SqliteRequestLog other = new(RequestsFile))
        {
            other.Record(RequestLogTests.Entry(500));
        }

        SqliteConnection.ClearAllPools();
        await using SqliteRequestLog log = new(RequestsFile) { MoveFrom = OldFile };
        InvalidDataException? error = Assert.ThrowsAsync<InvalidDataException>(async () => await log.ReadAsync(s_start, s_start.AddDays(1)).CountAsync());

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain(OldFile).And.Contain(RequestsFile).And.Contain("Nothing was deleted").And.Contain("request_log"));
            Assert.That(await SqliteTestFile.TableExistsAsync(OldFile, "request_log"), Is.True);
            Assert.That(await CountAsync(OldFile, "request_log"), Is.EqualTo(10));
            Assert.That(await CountAsync(RequestsFile, "request_log"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_request_log_from_before_categories_is_moved_with_no_category()
    {
        await PreCategoryRequestLog.CreateAsync(OldFile, s_start);

        await using SqliteRequestLog log = new(RequestsFile) { MoveFrom = OldFile };
        List<RequestLogEntry> stored = await log.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        Assert.That(stored.Select(e => (e.RequestId, e.Category, e.LatencyMs)), Is.EqualTo(new[] { ("old", (string?)null, 100.0) }));
    }

    /// <summary>What row <paramref name="i"/> of the old layout holds, as the new store reads it back.</summary>
    private static RequestLogEntry OldEntry(int i) => RequestLogTests.Entry(i) with
    {
        ResponseId = i % 3 == 0 ? null : "resp-" + i.ToString(CultureInfo.InvariantCulture),
        Tier = i % 2 == 0 ? ProviderTier.Local : ProviderTier.External,
        QualityScore = i % 7 == 0 ? 0.5 : null,
        TimeToFirstTokenMs = i % 4 == 0 ? 12.25 + i : null,
        ErrorType = i % 11 == 0 ? "HttpRequestException" : null,
        CostUsd = i % 2 == 0 ? 0m : 0.0015m,
        Category = i % 5 == 0 ? "meter-summary" : null,
    };

    private static Dictionary<string, CategoryFeedback> OldFeedback() => new(StringComparer.Ordinal)
    {
        ["meter-summary"] = new CategoryFeedback(12, 9.5, 3, 2.25),
        ["code"] = new CategoryFeedback(0, 0, 4, 3.5),
    };

    /// <summary>An <c>eaio.db</c> as the previous version left it: its schema, request-log rows (some with feedback) and learnt scores.</summary>
    private async Task WriteOldLayoutAsync(int rows)
    {
        await using SqliteConnection old = new($"Data Source={OldFile};Pooling=False");
        await old.OpenAsync();
        await using SqliteCommand command = old.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + OldSchema + "BEGIN";
        await command.ExecuteNonQueryAsync();
        command.CommandText = """
            INSERT INTO request_log (request_id, response_id, ts, provider, model, tier, privacy, complexity, outcome, error_type, latency_ms, ttft_ms,
                input_tokens, output_tokens, cost_usd, fallbacks, quality, rate_limit, streamed, category)
            VALUES ($rq, $rs, $ts, $p, $m, $tier, $priv, $cx, $out, $err, $lat, $ttft, $in, $outt, $cost, $fb, $q, $rl, $st, $cat)
            """;
        for (int i = 0; i < rows; i++)
        {
            RequestLogEntry e = OldEntry(i);
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$rq", e.RequestId);
            command.Parameters.AddWithValue("$rs", (object?)e.ResponseId ?? DBNull.Value);
            command.Parameters.AddWithValue("$ts", e.Timestamp.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$p", e.Provider);
            command.Parameters.AddWithValue("$m", e.Model);
            command.Parameters.AddWithValue("$tier", (int)e.Tier);
            command.Parameters.AddWithValue("$priv", (int)e.Privacy);
            command.Parameters.AddWithValue("$cx", e.Complexity);
            command.Parameters.AddWithValue("$out", (int)e.Outcome);
            command.Parameters.AddWithValue("$err", (object?)e.ErrorType ?? DBNull.Value);
            command.Parameters.AddWithValue("$lat", e.LatencyMs);
            command.Parameters.AddWithValue("$ttft", (object?)e.TimeToFirstTokenMs ?? DBNull.Value);
            command.Parameters.AddWithValue("$in", e.InputTokens);
            command.Parameters.AddWithValue("$outt", e.OutputTokens);
            command.Parameters.AddWithValue("$cost", (double)e.CostUsd);
            command.Parameters.AddWithValue("$fb", e.Fallbacks);
            command.Parameters.AddWithValue("$q", (object?)e.QualityScore ?? DBNull.Value);
            command.Parameters.AddWithValue("$rl", (object?)e.RateLimitUtilization ?? DBNull.Value);
            command.Parameters.AddWithValue("$st", e.Streamed ? 1 : 0);
            command.Parameters.AddWithValue("$cat", (object?)e.Category ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        command.Parameters.Clear();
        command.CommandText = "INSERT INTO routing_feedback VALUES ($c, $lc, $ls, $ec, $es)";
        foreach ((string category, CategoryFeedback f) in OldFeedback())
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$c", category);
            command.Parameters.AddWithValue("$lc", f.LocalCount);
            command.Parameters.AddWithValue("$ls", f.LocalScore);
            command.Parameters.AddWithValue("$ec", f.ExternalCount);
            command.Parameters.AddWithValue("$es", f.ExternalScore);
            await command.ExecuteNonQueryAsync();
        }

        command.Parameters.Clear();
        command.CommandText = "COMMIT";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string path, string table)
    {
        await using SqliteConnection connection = new($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task CopyDatabaseAsync(string from, string to)
    {
        await using SqliteConnection connection = new($"Data Source={from};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $to";
        command.Parameters.AddWithValue("$to", to);
        await command.ExecuteNonQueryAsync();
    }
}
