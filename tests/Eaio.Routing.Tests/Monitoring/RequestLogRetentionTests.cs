using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Request log retention (<c>REQUEST_LOG_RETENTION_DAYS</c>): every store keeps what is inside the window and drops what
/// is older once its purge has run, the purge runs at most once an hour, and reports inside the window are unchanged.
/// </summary>
[CancelAfter(30_000)]
public sealed class RequestLogRetentionTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = RequestLogStores.NewFolder("retention-");

    [TearDown]
    public void RemoveFolder() => RequestLogStores.RemoveFolder(_folder);

    public static IEnumerable<string> Kinds() => RequestLogStores.Kinds();

    [TestCaseSource(nameof(Kinds))]
    public async Task A_store_keeps_entries_inside_the_retention_and_drops_older_ones_once_the_purge_has_run(string kind)
    {
        FakeTimeProvider time = new(s_now);
        await using Disposable<IRequestLog> log = await CreateAsync(kind, TimeSpan.FromDays(90), time);
        RequestLogEntry old = At(1, s_now.AddDays(-90).AddMilliseconds(-1));
        RequestLogEntry edge = At(2, s_now.AddDays(-90).AddMinutes(2));
        RequestLogEntry recent = At(3, s_now.AddHours(-1));
        log.Value.Record(old);
        log.Value.Record(edge);
        log.Value.Record(recent);
        await log.Value.FlushAsync();

        if (kind != "memory")
        {
            // The stores purge on their writer's timer, not on every batch: until it fires, everything is still there.
            Assert.That(await ReadAllAsync(log.Value), Is.EquivalentTo(new[] { old, edge, recent }));
        }

        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await log.Value.FlushAsync();

        Assert.That(await ReadAllAsync(log.Value), Is.EquivalentTo(new[] { edge, recent }), "the first purge runs a minute after start");
    }

    [TestCaseSource(nameof(Kinds))]
    public async Task Feedback_and_later_entries_are_unaffected_by_a_purge(string kind)
    {
        FakeTimeProvider time = new(s_now);
        await using Disposable<IRequestLog> log = await CreateAsync(kind, TimeSpan.FromDays(1), time);
        log.Value.Record(At(1, s_now.AddDays(-2)) with { ResponseId = "gone" });
        log.Value.Record(At(2, s_now) with { ResponseId = "kept" });
        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await log.Value.FlushAsync();

        log.Value.Record(At(3, time.GetUtcNow()));
        Assert.That(await log.Value.RecordFeedbackAsync("kept", 0.9), Is.True);
        Assert.That(await log.Value.RecordFeedbackAsync("gone", 0.9), Is.False, "a purged response has nothing to score");

        List<RequestLogEntry> stored = await ReadAllAsync(log.Value);
        Assert.That(stored.Select(e => e.RequestId), Is.EquivalentTo(new[] { "req-2", "req-3" }));
        Assert.That(stored.Single(e => e.RequestId == "req-2").QualityScore, Is.EqualTo(0.9));
    }

    [Test]
    public async Task The_SQLite_purge_runs_at_most_once_an_hour()
    {
        FakeTimeProvider time = new(s_now);
        await using SqliteRequestLog log = new(Path.Combine(_folder, "eaio.db"), retention: TimeSpan.FromDays(1), timeProvider: time);
        RequestLogEntry aging = At(1, s_now.AddDays(-1).AddMinutes(10));
        log.Record(aging);
        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await log.FlushAsync();
        Assert.That(await ReadAllAsync(log), Has.Count.EqualTo(1), "still inside the day at the first purge");

        // Now older than a day, but the next purge is an hour after the first.
        time.Advance(TimeSpan.FromMinutes(30));
        log.Record(At(2, time.GetUtcNow()));
        await log.FlushAsync();
        Assert.That(await ReadAllAsync(log), Has.Count.EqualTo(2), "no purge between the hourly ones, however many batches");

        time.Advance(TimeSpan.FromMinutes(30));
        await log.FlushAsync();
        Assert.That((await ReadAllAsync(log)).Select(e => e.RequestId), Is.EqualTo(new[] { "req-2" }));
    }

    [Test]
    public async Task A_store_without_a_retention_keeps_everything()
    {
        FakeTimeProvider time = new(s_now);
        await using SqliteRequestLog log = new(Path.Combine(_folder, "eaio.db"), timeProvider: time);
        log.Record(At(1, s_now.AddYears(-5)));
        time.Advance(TimeSpan.FromDays(2));
        await log.FlushAsync();
        Assert.That(await ReadAllAsync(log), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_report_over_a_period_inside_the_retention_is_the_same_after_the_purge()
    {
        FakeTimeProvider time = new(s_now);
        await using SqliteRequestLog log = new(Path.Combine(_folder, "eaio.db"), retention: TimeSpan.FromDays(90), timeProvider: time);
        for (int day = 0; day < 120; day++)
        {
            log.Record(At(day, s_now.AddDays(-day).AddMinutes(-5)) with { Provider = "openai", Model = "gpt-4o", Tier = ProviderTier.External, CostUsd = 0.01m * (day + 1) });
        }

        OptimizationReporter reporter = new(log, timeProvider: time);
        OptimizationReport before = await reporter.CreateAsync(s_now.AddDays(-60), s_now);
        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await log.FlushAsync();
        OptimizationReport after = await reporter.CreateAsync(s_now.AddDays(-60), s_now);

        Assert.That(await ReadAllAsync(log), Has.Count.EqualTo(90), "days 90 to 119 were purged");
        Assert.That(after.Requests, Is.EqualTo(before.Requests).And.EqualTo(60));
        Assert.That(after.CostUsd, Is.EqualTo(before.CostUsd));
        Assert.That(after.Models, Is.EqualTo(before.Models));
        Assert.That(after.Notes, Is.Empty, "a period inside the retention needs no warning");

        OptimizationReport longer = await reporter.CreateAsync(s_now.AddDays(-120), s_now);
        Assert.That(longer.Notes.Single(), Does.Contain("keeps 90 days").And.Contain("REQUEST_LOG_RETENTION_DAYS").And.Contain("may be incomplete"));
        Assert.That(longer.ToMarkdown(), Does.Contain("> The request log keeps 90 days"));
    }

    [Test]
    public async Task The_registered_SQLite_log_purges_with_REQUEST_LOG_RETENTION_DAYS_on_the_hosts_clock()
    {
        FakeTimeProvider time = new(s_now);
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(time);
        services.AddEaioHybridChat(Configuration(new() { ["EAIO_DATA_DIR"] = _folder, ["REQUEST_LOG_RETENTION_DAYS"] = "7" }));
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            Assert.That(provider.GetRequiredService<EaioHybridChatOptions>().RequestLogRetention, Is.EqualTo(TimeSpan.FromDays(7)));
            IRequestLog log = provider.GetRequiredService<IRequestLog>();
            Assert.That(log, Is.InstanceOf<SqliteRequestLog>());
            log.Record(At(1, s_now.AddDays(-8)));
            log.Record(At(2, s_now.AddDays(-6)));
            time.Advance(RequestLogRetention.FirstPurgeDelay);
            await log.FlushAsync();
            Assert.That((await ReadAllAsync(log)).Select(e => e.RequestId), Is.EqualTo(new[] { "req-2" }));
        }
    }

    [Test]
    public async Task A_failed_SQLite_purge_is_logged_loses_no_entry_and_is_tried_again_an_hour_later()
    {
        FakeTimeProvider time = new(s_now);
        FakeLogger<SqliteRequestLog> logger = new();
        string path = Path.Combine(_folder, "eaio.db");
        await using SqliteRequestLog log = new(path, logger, retention: TimeSpan.FromDays(1), timeProvider: time);
        log.Record(At(1, s_now.AddDays(-2)));
        await log.FlushAsync();

        // The database refuses deletes (and only deletes), as a locked or read-only table would.
        await using (Microsoft.Data.Sqlite.SqliteConnection other = new($"Data Source={path}"))
        {
            await other.OpenAsync();
            await using Microsoft.Data.Sqlite.SqliteCommand trigger = other.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse_delete BEFORE DELETE ON request_log BEGIN SELECT RAISE(ABORT, 'no deletes'); END";
            await trigger.ExecuteNonQueryAsync();
        }

        log.Record(At(2, s_now));
        time.Advance(RequestLogRetention.FirstPurgeDelay);
        log.Record(At(3, time.GetUtcNow()));
        await log.FlushAsync();

        Assert.That((await ReadAllAsync(log)).Select(e => e.RequestId), Is.EquivalentTo(new[] { "req-1", "req-2", "req-3" }), "the batches around the failed purge are stored");
        FakeLogRecord failure = logger.Collector.GetSnapshot().Single(r => r.Level == LogLevel.Warning);
        Assert.That(failure.Message, Does.Contain("could not delete entries older than"));
        Assert.That(failure.Exception, Is.InstanceOf<Microsoft.Data.Sqlite.SqliteException>());

        await using (Microsoft.Data.Sqlite.SqliteConnection other = new($"Data Source={path}"))
        {
            await other.OpenAsync();
            await using Microsoft.Data.Sqlite.SqliteCommand drop = other.CreateCommand();
            drop.CommandText = "DROP TRIGGER refuse_delete";
            await drop.ExecuteNonQueryAsync();
        }

        time.Advance(RequestLogRetention.PurgeInterval);
        await log.FlushAsync();
        Assert.That((await ReadAllAsync(log)).Select(e => e.RequestId), Is.EquivalentTo(new[] { "req-2", "req-3" }));
    }

    [Test]
    public async Task The_registered_PostgreSQL_log_purges_with_REQUEST_LOG_RETENTION_DAYS_on_the_hosts_clock()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        FakeTimeProvider time = new(s_now);
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(time);
        services.AddEaioHybridChat(Configuration(new() { ["EAIO_DATA_DIR"] = _folder, ["RequestLogRetentionDays"] = "7" }));
        services.AddEaioPostgres(database.ConnectionString);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IRequestLog log = provider.GetRequiredService<IRequestLog>();
        Assert.That(log, Is.InstanceOf<PostgresRequestLog>());
        log.Record(At(1, s_now.AddDays(-8)));
        log.Record(At(2, s_now.AddDays(-6)));
        await log.FlushAsync();
        Assert.That(await ReadAllAsync(log), Has.Count.EqualTo(2));

        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await log.FlushAsync();
        Assert.That((await ReadAllAsync(log)).Select(e => e.RequestId), Is.EqualTo(new[] { "req-2" }));
    }

    [Test]
    public void The_retention_defaults_to_90_days_and_binds_from_either_key()
    {
        Assert.That(EaioOptionsBinder.Bind(Configuration([]), _ => null).RequestLogRetention, Is.EqualTo(TimeSpan.FromDays(90)));
        Assert.That(EaioOptionsBinder.Bind(Configuration(new() { ["RequestLogRetentionDays"] = "30" }), _ => null).RequestLogRetention, Is.EqualTo(TimeSpan.FromDays(30)));
        Assert.That(EaioOptionsBinder.Bind(Configuration(new() { ["RequestLogRetentionDays"] = "30" }), n => n == "REQUEST_LOG_RETENTION_DAYS" ? "14" : null).RequestLogRetention, Is.EqualTo(TimeSpan.FromDays(14)));
        Assert.That(EaioOptionsBinder.EnvironmentNames, Does.Contain("REQUEST_LOG_RETENTION_DAYS"));

        // More days than a TimeSpan holds keeps everything rather than overflowing.
        EaioHybridChatOptions forever = EaioOptionsBinder.Bind(Configuration(new() { ["REQUEST_LOG_RETENTION_DAYS"] = "2000000000" }), _ => null);
        Assert.That(forever.RequestLogRetention, Is.EqualTo(TimeSpan.MaxValue));
        Assert.DoesNotThrow(() => EaioOptionsBinder.Validate(forever));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("2.5")]
    [TestCase("ninety")]
    public void An_invalid_retention_fails_at_start_up_naming_REQUEST_LOG_RETENTION_DAYS_its_value_and_what_is_allowed(string value)
    {
        ServiceCollection services = new();
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(
            () => services.AddEaioHybridChat(Configuration(new() { ["REQUEST_LOG_RETENTION_DAYS"] = value })));
        Assert.That(error!.Errors.Single(), Is.EqualTo($"REQUEST_LOG_RETENTION_DAYS='{value}' is not valid: expected a whole number of 1 or more."));
    }

    [Test]
    public void A_retention_set_in_code_must_be_whole_days_of_1_or_more()
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(
            () => EaioOptionsBinder.Validate(new EaioHybridChatOptions { RequestLogRetention = TimeSpan.FromHours(36) }));
        Assert.That(error!.Errors.Single(), Does.StartWith("REQUEST_LOG_RETENTION_DAYS='1.5'").And.Contain("a whole number of 1 or more"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryRequestLog(TimeSpan.Zero));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static RequestLogEntry At(int i, DateTimeOffset timestamp) => RequestLogTests.Entry(i) with { Timestamp = timestamp };

    private static async Task<List<RequestLogEntry>> ReadAllAsync(IRequestLog log) =>
        await log.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ToListAsync();

    private Task<Disposable<IRequestLog>> CreateAsync(string kind, TimeSpan retention, TimeProvider time) =>
        RequestLogStores.CreateAsync(kind, _folder, retention, time);
}
