using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Both request logs: what is recorded is stored, feedback updates it, and the SQLite log loses nothing on shutdown.</summary>
[CancelAfter(30_000)]
public sealed class RequestLogTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = RequestLogStores.NewFolder("requestlog-");

    [TearDown]
    public void RemoveFolder() => RequestLogStores.RemoveFolder(_folder);

    public static IEnumerable<string> Kinds() => RequestLogStores.Kinds();

    [Test]
    public async Task Disposing_the_SQLite_log_writes_everything_recorded_before_it([Values] bool synchronously)
    {
        string path = Path.Combine(_folder, "eaio.db");
        SqliteRequestLog log = new(path, batchSize: 64);
        for (int i = 0; i < 5_000; i++)
        {
            log.Record(Entry(i) with { ResponseId = i % 3 == 0 ? null : "resp-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), QualityScore = i % 7 == 0 ? 0.5 : null, Category = i % 5 == 0 ? "code" : null });
        }

        if (synchronously)
        {
            log.Dispose();
        }
        else
        {
            await log.DisposeAsync();
        }

        await using SqliteRequestLog reopened = new(path);
        List<RequestLogEntry> stored = await reopened.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        // Field for field: batches go in 32 rows per statement plus single rows for the rest, and both must bind alike.
        Assert.That(stored.OrderBy(e => e.LatencyMs), Is.EqualTo(Enumerable.Range(0, 5_000).Select(i => Entry(i) with
        {
            ResponseId = i % 3 == 0 ? null : "resp-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            QualityScore = i % 7 == 0 ? 0.5 : null,
            Category = i % 5 == 0 ? "code" : null,
        })));
    }

    [Test]
    public async Task A_SQLite_file_from_before_categories_gets_the_column_on_first_use_and_keeps_its_rows()
    {
        // The request_log table as versions before the category column wrote it, with one row.
        string path = Path.Combine(_folder, "eaio.db");
        Directory.CreateDirectory(_folder);
        await PreCategoryRequestLog.CreateAsync(path, s_start);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (SqliteRequestLog log = new(path))
        {
            log.Record(Entry(1) with { Category = "meter-summary" });
            await log.FlushAsync();
            List<RequestLogEntry> stored = await log.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
            Assert.That(stored.Select(e => (e.RequestId, e.Category)), Is.EquivalentTo(new[] { ("old", (string?)null), ("req-1", "meter-summary") }));
        }

        // A second opening finds the column and adds nothing.
        await using SqliteRequestLog again = new(path);
        Assert.That(await again.ReadAsync(s_start, s_start.AddDays(1)).CountAsync(), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task Entries_read_back_field_for_field_within_their_period(string kind)
    {
        await using Disposable<IRequestLog> log = await CreateAsync(kind);
        RequestLogEntry full = Entry(1) with
        {
            ResponseId = "resp-1",
            ErrorType = "HttpRequestException",
            Outcome = RequestOutcome.Unavailable,
            TimeToFirstTokenMs = 42.5,
            RateLimitUtilization = 0.25,
            Streamed = true,
            Tier = ProviderTier.External,
            Privacy = PrivacyLevel.Public,
            CostUsd = 0.0075m,
            Fallbacks = 2,
            Category = "meter-summary",
        };
        log.Value.Record(full);
        log.Value.Record(Entry(2) with { Timestamp = s_start.AddDays(-1) });
        log.Value.Record(Entry(3) with { Timestamp = s_start.AddDays(1) });
        await log.Value.FlushAsync();

        List<RequestLogEntry> stored = await log.Value.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        Assert.That(stored, Is.EqualTo(new[] { full }), "the period includes its start and excludes its end");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task Feedback_sets_the_quality_score_of_that_response_only(string kind)
    {
        await using Disposable<IRequestLog> log = await CreateAsync(kind);
        log.Value.Record(Entry(1) with { ResponseId = "a" });
        log.Value.Record(Entry(2) with { ResponseId = "b" });

        // No flush: feedback right after the answer must find the response even while it is still queued.
        Assert.That(await log.Value.RecordFeedbackAsync("b", 0.8), Is.True);
        Assert.That(await log.Value.RecordFeedbackAsync("unknown", 0.5), Is.False);

        List<RequestLogEntry> stored = await log.Value.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        Assert.That(stored.Single(e => e.ResponseId == "a").QualityScore, Is.Null);
        Assert.That(stored.Single(e => e.ResponseId == "b").QualityScore, Is.EqualTo(0.8));
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task Scores_outside_0_to_1_are_refused_with_the_range(string kind)
    {
        await using Disposable<IRequestLog> log = await CreateAsync(kind);
        foreach (double score in new[] { -0.1, 1.01, 5, double.NaN })
        {
            ArgumentOutOfRangeException? error = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.Value.RecordFeedbackAsync("a", score));
            Assert.That(error!.Message, Does.Contain("from 0 (useless) to 1 (perfect)"));
        }

        Assert.That(await log.Value.RecordFeedbackAsync("a", 0), Is.False, "0 and 1 are in range");
        Assert.That(await log.Value.RecordFeedbackAsync("a", 1), Is.False);
    }

    internal static RequestLogEntry Entry(int i) => new()
    {
        RequestId = "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Timestamp = s_start.AddSeconds(i % 3600),
        Provider = EaioProviders.Ollama,
        Model = "llama3.2:3b",
        Tier = ProviderTier.Local,
        Privacy = PrivacyLevel.Private,
        Complexity = 0.3,
        Outcome = RequestOutcome.Succeeded,
        LatencyMs = 120 + i,
        InputTokens = 12,
        OutputTokens = 7,
    };

    private Task<Disposable<IRequestLog>> CreateAsync(string kind) => RequestLogStores.CreateAsync(kind, _folder);

    [Test]
    public async Task Disposing_the_PostgreSQL_log_writes_everything_recorded_before_it()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        await using PostgresStore store = new(database.ConnectionString);
        PostgresRequestLog log = new(store, batchSize: 100);
        for (int i = 0; i < 3_000; i++)
        {
            log.Record(Entry(i) with { CostUsd = i * 0.000001m, TimeToFirstTokenMs = i % 2 == 0 ? null : i });
        }

        await log.DisposeAsync();

        await using PostgresRequestLog reopened = new(store);
        List<RequestLogEntry> stored = await reopened.ReadAsync(s_start, s_start.AddDays(1)).ToListAsync();
        Assert.That(stored.OrderBy(e => e.LatencyMs), Is.EqualTo(Enumerable.Range(0, 3_000).Select(i => Entry(i) with { CostUsd = i * 0.000001m, TimeToFirstTokenMs = i % 2 == 0 ? null : i })));
        Assert.That(await reopened.IsHypertableAsync(), Is.False, "this server has no TimescaleDB: a plain table");
    }

}

/// <summary>A request log whose writer cannot keep up drops entries (counted) instead of growing without bound.</summary>
public sealed class RequestLogOverflowTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_full_queue_drops_and_counts_entries_and_keeps_every_other_one()
    {
        string folder = Directory.CreateTempSubdirectory("eaio-requestlog-overflow-").FullName;
        try
        {
            string path = Path.Combine(folder, "eaio.db");
            using Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> dropped = new(null, EaioMetrics.MeterName, "eaio.request_log.dropped");
            SqliteRequestLog log = new(path, batchSize: 5, queueCapacity: 10);
            log.Record(RequestLogTests.Entry(1000));
            await log.FlushAsync(); // the file is in WAL mode with its table before another connection locks it

            // Another connection holds the write lock, so the writer stalls on its first batch and the queue fills.
            await using (Microsoft.Data.Sqlite.SqliteConnection blocker = new($"Data Source={path};Pooling=False"))
            {
                await blocker.OpenAsync();
                await using (Microsoft.Data.Sqlite.SqliteCommand begin = blocker.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE";
                    await begin.ExecuteNonQueryAsync();
                }

                for (int i = 0; i < 100; i++)
                {
                    log.Record(RequestLogTests.Entry(i));
                    await Task.Yield();
                }

                // Ended explicitly: a pooled connection would keep its transaction (and the lock) past Dispose.
                await using Microsoft.Data.Sqlite.SqliteCommand end = blocker.CreateCommand();
                end.CommandText = "ROLLBACK";
                await end.ExecuteNonQueryAsync();
            }

            await log.DisposeAsync();
            await using SqliteRequestLog reopened = new(path);
            int stored = await reopened.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).CountAsync();
            Assert.That(log.Dropped, Is.InRange(80, 95), "at most a batch in the writer plus a full queue got through");
            Assert.That(stored + log.Dropped, Is.EqualTo(101), "every entry is either stored or counted as dropped");
            Assert.That(dropped.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(log.Dropped));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
