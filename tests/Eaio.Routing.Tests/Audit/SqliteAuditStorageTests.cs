using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The SQLite audit log under load (issue 17): group commit, its own file away from the ledger and request log, the move of
/// an old <c>audit</c> table, and retention with export before delete. Every test uses real SQLite files.
/// </summary>
public sealed class SqliteAuditStorageTests
{
    private static readonly byte[] s_key = System.Text.Encoding.UTF8.GetBytes("the-operators-audit-key-2026");
    private static readonly DateTimeOffset s_start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("eaio-audit-storage-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string AuditPath => Path.Combine(_folder, "eaio-audit.db");

    private static AuditEntry Entry(int i, DateTimeOffset? at = null) => new()
    {
        Timestamp = at ?? s_start.AddSeconds(i),
        RequestId = $"req-{i}",
        Provider = EaioProviders.OpenAI,
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Public,
        Sensitivity = DataSensitivity.Public,
        Reasons = ["privacy PUBLIC: external preferred"],
        EntityCounts = new Dictionary<string, int> { [EntityTypes.Email] = i % 3 },
        PayloadHmac = new string('a', 64),
        Outcome = "ok",
    };

    [Test]
    public async Task Two_hundred_appends_at_once_share_a_few_commits_keep_their_order_and_verify()
    {
        SqliteAuditLog log = new(AuditPath, s_key);

        // From the thread pool, as requests arrive: while one caller flushes, the others queue behind it.
        AuditRecord[] records = await Task.WhenAll(Enumerable.Range(1, 200).Select(i => Task.Run(() => log.AppendAsync(Entry(i)))));

        AuditVerification verification = await log.VerifyAsync();
        List<AuditRecord> stored = await log.ReadAllAsync().ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.RecordsChecked, Is.EqualTo(200));
            Assert.That(log.Commits, Is.LessThanOrEqualTo(20), "one commit (one flush) per record before group commit: 200");
            Assert.That(records.Select(r => r.Sequence).Order(), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (long)i)));
            Assert.That(stored.Select(r => r.Entry.RequestId).Order(), Is.EqualTo(records.Select(r => r.Entry.RequestId).Order()));

            // Each caller got the record as stored: its number, its hash, and the chain links it to the one before.
            Dictionary<long, AuditRecord> bySequence = stored.ToDictionary(r => r.Sequence);
            Assert.That(records.All(r => bySequence[r.Sequence].Hash == r.Hash && bySequence[r.Sequence].Entry.RequestId == r.Entry.RequestId), Is.True);
            Assert.That(stored.All(r => r.Algorithm == AuditHashAlgorithm.HmacSha256), Is.True);
        });
    }

    [Test]
    public async Task A_batch_that_fails_leaves_no_record_and_the_next_one_writes_on_a_new_connection()
    {
        using SqliteAuditLog log = new(AuditPath, s_key);
        await log.AppendAsync(Entry(1));

        // Another connection makes every insert fail: the writer's kept connection and prepared insert meet it.
        await SqliteTestFile.ExecuteAsync(AuditPath, "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
        EaioStorageException failure = Assert.ThrowsAsync<EaioStorageException>(async () => await log.AppendAsync(Entry(2)))!;
        Assert.That(failure.ToString(), Does.Contain("disk says no"));

        await SqliteTestFile.ExecuteAsync(AuditPath, "DROP TRIGGER refuse;");
        AuditRecord third = await log.AppendAsync(Entry(3));

        AuditVerification verification = await log.VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(third.Sequence, Is.EqualTo(2), "the failed batch was rolled back: its number is not used");
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.RecordsChecked, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_caller_cancelled_while_queued_withdraws_its_record_and_one_already_taken_is_written()
    {
        SqliteAuditLog log = new(AuditPath, s_key);
        await log.AppendAsync(Entry(0));

        // Another connection holds the file's write lock, so the first writer waits inside its transaction.
        await using SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(AuditPath);
        using CancellationTokenSource firstCancelled = new();
        Task<AuditRecord> taken = Task.Run(() => log.AppendAsync(Entry(1), firstCancelled.Token));
        await Until(() => log.InFlight == 1, "the first record is taken by a writer");

        using CancellationTokenSource cancel = new();
        Task<AuditRecord> queued = Task.Run(() => log.AppendAsync(Entry(2), cancel.Token));
        await Until(() => Queued(log) == 1, "the second record is queued behind the writer");
        await cancel.CancelAsync();
        await firstCancelled.CancelAsync();
        Assert.That(async () => await queued, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Queued(log), Is.Zero, "the withdrawn record gives its room back");

        await holder.ReleaseAsync();
        AuditRecord first = await taken;
        AuditRecord next = await log.AppendAsync(Entry(3));

        List<string> stored = await log.ReadAllAsync().Select(r => r.Entry.RequestId).ToListAsync();
        AuditVerification verification = await log.VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first.Sequence, Is.EqualTo(2), "taken before the cancellation: written, and its caller gets it");
            Assert.That(next.Sequence, Is.EqualTo(3));
            Assert.That(stored, Is.EqualTo(new[] { "req-0", "req-1", "req-3" }));
            Assert.That(verification.IsValid, Is.True, verification.Problem);
        });
    }

    [Test]
    public async Task The_registered_ledger_and_request_log_do_not_wait_while_the_audit_file_is_locked()
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o => o.DataDirectory = _folder);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IAuditLog audit = provider.GetRequiredService<IAuditLog>();
        IBudgetLedger ledger = provider.GetRequiredService<IBudgetLedger>();
        IRequestLog requests = provider.GetRequiredService<IRequestLog>();
        await audit.AppendAsync(Entry(1));
        Assert.That(((SqliteAuditLog)audit).Path, Is.EqualTo(AuditPath));

        await using SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(AuditPath);
        Task<AuditRecord> blocked = Task.Run(() => audit.AppendAsync(Entry(2)));

        // Before the audit log had its own file these waited for the lock (30 s busy timeout); now they share nothing with it.
        Stopwatch elapsed = Stopwatch.StartNew();
        BudgetReservation hold = await ledger.ReserveAsync(null, 0.01m).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await ledger.SettleAsync(hold, 0.005m).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        requests.Record(RequestLogTests.Entry(1));
        await requests.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        elapsed.Stop();

        Assert.That(blocked.IsCompleted, Is.False, "the audit append really waits for the lock held on its file");
        await holder.ReleaseAsync();
        Assert.That((await blocked).Sequence, Is.EqualTo(2));
        Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task An_audit_table_in_eaio_db_is_moved_to_its_own_file_verified_and_continued()
    {
        string old = Path.Combine(_folder, "eaio.db");
        SqliteAuditLog before = new(old, s_key);
        AuditRecord[] written = [.. await Sequential(before, 1, 5)];
        SqliteConnection.ClearAllPools();

        SqliteAuditLog after = new(AuditPath, s_key) { MoveFrom = old };
        AuditRecord sixth = await after.AppendAsync(Entry(6));
        List<AuditRecord> stored = await after.ReadAllAsync().ToListAsync();
        AuditVerification verification = await after.VerifyAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(stored.Select(r => (r.Sequence, r.Hash)).Take(5), Is.EqualTo(written.Select(r => (r.Sequence, r.Hash))));
            Assert.That(sixth.Sequence, Is.EqualTo(6));
            Assert.That(sixth.PreviousHash, Is.EqualTo(written[^1].Hash));
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.RecordsChecked, Is.EqualTo(6));
            Assert.That(await SqliteTestFile.TableExistsAsync(old, "audit"), Is.False, "the old table is dropped once its copy is verified");
        });
    }

    [Test]
    public async Task A_move_cut_short_after_the_copy_is_finished_on_the_next_start()
    {
        string old = Path.Combine(_folder, "eaio.db");
        AuditRecord[] written = [.. await Sequential(new SqliteAuditLog(old), 1, 4)];
        SqliteConnection.ClearAllPools();

        // The copy committed, the process died before dropping the old table: the new file already holds the rows.
        await CopyDatabaseAsync(old, AuditPath);
        SqliteAuditLog after = new(AuditPath) { MoveFrom = old };
        AuditRecord fifth = await after.AppendAsync(Entry(5));

        Assert.Multiple(async () =>
        {
            Assert.That(fifth.Sequence, Is.EqualTo(5));
            Assert.That(fifth.PreviousHash, Is.EqualTo(written[^1].Hash));
            Assert.That((await after.VerifyAsync()).IsValid, Is.True);
            Assert.That(await SqliteTestFile.TableExistsAsync(old, "audit"), Is.False);
        });
    }

    [Test]
    public async Task A_move_onto_a_file_holding_other_records_is_refused_and_deletes_nothing()
    {
        string old = Path.Combine(_folder, "eaio.db");
        await Sequential(new SqliteAuditLog(old), 1, 3);
        await Sequential(new SqliteAuditLog(AuditPath), 100, 2);
        SqliteConnection.ClearAllPools();

        SqliteAuditLog after = new(AuditPath) { MoveFrom = old };
        EaioStorageException? error = Assert.ThrowsAsync<EaioStorageException>(async () => await after.AppendAsync(Entry(4)));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Message, Does.Contain(old).And.Contain(AuditPath).And.Contain("Nothing was deleted"));
            Assert.That(await SqliteTestFile.TableExistsAsync(old, "audit"), Is.True);
            Assert.That(await new SqliteAuditLog(old).ReadAllAsync().CountAsync(), Is.EqualTo(3));
            Assert.That(await new SqliteAuditLog(AuditPath).ReadAllAsync().CountAsync(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Retention_exports_then_deletes_old_records_and_both_sides_of_the_cut_verify()
    {
        // The clock stays before the timer's first run: the retention is applied here, by the call.
        FakeTimeProvider time = new(s_start.AddDays(35)); // records of days 0 to 4 are older than 30 days
        using SqliteAuditLog log = new(AuditPath, s_key, TimeSpan.FromDays(30), time);
        for (int day = 0; day < 10; day++)
        {
            await log.AppendAsync(Entry(day + 1, s_start.AddDays(day)));
        }

        AuditRecord[] all = await log.ReadAllAsync().ToArrayAsync();
        long removed = await log.ApplyRetentionAsync();

        string export = Path.Combine(_folder, "eaio-audit-000000000001-000000000005.jsonl");
        AuditVerification kept = await log.VerifyAsync();
        AuditVerification exported = await AuditExport.VerifyAsync(export, s_key);
        AuditRecord next = await log.AppendAsync(Entry(11, s_start.AddDays(35)));
        Assert.Multiple(async () =>
        {
            Assert.That(removed, Is.EqualTo(5));
            Assert.That(File.ReadAllLines(export), Has.Length.EqualTo(5));
            Assert.That(exported.IsValid, Is.True, exported.Problem);
            Assert.That(exported.Head, Is.EqualTo(new AuditCheckpoint(5, all[4].Hash)));
            Assert.That(kept.IsValid, Is.True, kept.Problem);
            Assert.That(kept.Start, Is.EqualTo(exported.Head), "the kept chain continues from the export's last record");
            Assert.That(kept.RecordsChecked, Is.EqualTo(5));
            Assert.That(await log.ReadAllAsync().Select(r => r.Sequence).ToListAsync(), Is.EqualTo(new long[] { 6, 7, 8, 9, 10, 11 }));
            Assert.That(next.Sequence, Is.EqualTo(11));
            Assert.That((await log.VerifyAsync()).IsValid, Is.True);
        });
    }

    [Test]
    public async Task Retention_that_removes_every_record_leaves_the_chain_to_continue_from_the_cut()
    {
        FakeTimeProvider time = new(s_start.AddDays(2));
        using SqliteAuditLog log = new(AuditPath, s_key, TimeSpan.FromDays(1), time);
        AuditRecord[] written = [.. await Sequential(log, 1, 3)];

        Assert.That(await log.ApplyRetentionAsync(), Is.EqualTo(3));
        AuditRecord fourth = await log.AppendAsync(Entry(4, s_start.AddDays(2)));
        AuditVerification verification = await log.VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(fourth.Sequence, Is.EqualTo(4));
            Assert.That(fourth.PreviousHash, Is.EqualTo(written[^1].Hash));
            Assert.That(verification.IsValid, Is.True, verification.Problem);
            Assert.That(verification.Start, Is.EqualTo(new AuditCheckpoint(3, written[^1].Hash)));
        });
    }

    [Test]
    public async Task Records_deleted_after_the_cut_or_a_moved_cut_are_found()
    {
        FakeTimeProvider time = new(s_start.AddDays(32));
        using SqliteAuditLog log = new(AuditPath, s_key, TimeSpan.FromDays(30), time);
        for (int day = 0; day < 6; day++)
        {
            await log.AppendAsync(Entry(day + 1, s_start.AddDays(day)));
        }
        Assert.That(await log.ApplyRetentionAsync(), Is.EqualTo(2));

        await SqliteTestFile.ExecuteAsync(AuditPath, "DELETE FROM audit WHERE seq = 3");
        AuditVerification deleted = await log.VerifyAsync();

        // Moving the cut over the deleted record needs its seal, which needs the key.
        await SqliteTestFile.ExecuteAsync(AuditPath, "UPDATE audit_cut SET seq = 3, hash = (SELECT prev FROM audit WHERE seq = 4)");
        AuditVerification moved = await log.VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(deleted.IsValid, Is.False);
            Assert.That(deleted.FirstBadSequence, Is.EqualTo(3));
            Assert.That(moved.IsValid, Is.False);
            Assert.That(moved.Problem, Does.Contain("retention cut").And.Contain("edited or forged"));
        });
    }

    [Test]
    public async Task A_damaged_run_is_neither_exported_nor_deleted()
    {
        FakeTimeProvider time = new(s_start.AddDays(2));
        using SqliteAuditLog log = new(AuditPath, s_key, TimeSpan.FromDays(1), time);
        await Sequential(log, 1, 4);
        await SqliteTestFile.ExecuteAsync(AuditPath, "UPDATE audit SET entry = replace(entry, 'req-2', 'req-X') WHERE seq = 2");

        Assert.That(await log.ApplyRetentionAsync(), Is.Zero);
        Assert.Multiple(async () =>
        {
            Assert.That(Directory.GetFiles(_folder, "*.jsonl"), Is.Empty);
            Assert.That(await log.ReadAllAsync().CountAsync(), Is.EqualTo(4));
            Assert.That((await log.VerifyAsync()).FirstBadSequence, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task The_registered_audit_log_applies_AUDIT_RETENTION_DAYS_on_the_hosts_clock()
    {
        FakeTimeProvider time = new(s_start);
        ServiceCollection services = new();
        services.AddSingleton<TimeProvider>(time);
        services.AddEaioHybridChat(Configuration(new() { ["EAIO_DATA_DIR"] = _folder, ["AUDIT_RETENTION_DAYS"] = "7" }));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IAuditLog log = provider.GetRequiredService<IAuditLog>();
        await log.AppendAsync(Entry(1, s_start.AddDays(-8)));
        await log.AppendAsync(Entry(2, s_start.AddDays(-6)));

        time.Advance(RequestLogRetention.FirstPurgeDelay);
        await Until(async () => await log.ReadAllAsync().CountAsync() == 1, "the first retention run");
        Assert.That(File.Exists(Path.Combine(_folder, "eaio-audit-000000000001-000000000001.jsonl")), Is.True);
        Assert.That((await log.VerifyAsync()).Start?.Sequence, Is.EqualTo(1));
    }

    [TestCase("0")]
    [TestCase("-3")]
    [TestCase("36501")]
    [TestCase("a month")]
    public void An_invalid_AUDIT_RETENTION_DAYS_fails_start_up_naming_the_key_and_the_range(string value)
    {
        ServiceCollection services = new();
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() =>
            services.AddEaioHybridChat(Configuration(new() { ["EAIO_DATA_DIR"] = _folder, ["AUDIT_RETENTION_DAYS"] = value })));
        Assert.That(error!.Message, Does.Contain("AUDIT_RETENTION_DAYS").And.Contain("from 1 to 36500"));
    }

    [Test]
    public void AUDIT_RETENTION_DAYS_is_unset_by_default_and_read_as_whole_days()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EaioOptionsBinder.Bind(Configuration([]), _ => null).AuditRetention, Is.Null);
            Assert.That(EaioOptionsBinder.Bind(Configuration(new() { ["AUDIT_RETENTION_DAYS"] = "365" }), _ => null).AuditRetention, Is.EqualTo(TimeSpan.FromDays(365)));
            Assert.That(EaioOptionsBinder.Bind(Configuration([]), n => n == "AUDIT_RETENTION_DAYS" ? "30" : null).AuditRetention, Is.EqualTo(TimeSpan.FromDays(30)));
        });
    }

    [Test]
    public async Task A_killed_writer_process_loses_no_acknowledged_record()
    {
        using Process worker = WorkerProcess.Start("audit-acked", AuditPath, "w");
        Dictionary<long, string> acknowledged = [];
        try
        {
            while (acknowledged.Count < 500 && await worker.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
            {
                string[] parts = line.Split(' ');
                Assert.That(parts[0], Is.EqualTo("acked"), line);
                acknowledged[long.Parse(parts[1], CultureInfo.InvariantCulture)] = parts[2];
            }
        }
        finally
        {
            // Killed mid-burst: appends queued, in a transaction, or being flushed.
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }

        SqliteAuditLog log = new(AuditPath);
        Dictionary<long, string> stored = await log.ReadAllAsync().ToDictionaryAsync(r => r.Sequence, r => r.Hash);
        AuditVerification verification = await log.VerifyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(acknowledged, Has.Count.EqualTo(500));
            Assert.That(acknowledged.Where(a => !stored.TryGetValue(a.Key, out string? hash) || hash != a.Value), Is.Empty);
            Assert.That(verification.IsValid, Is.True, verification.Problem);
        });
    }

    private static int Queued(SqliteAuditLog log) => log.Queued;

    private static async Task<AuditRecord[]> Sequential(SqliteAuditLog log, int first, int count)
    {
        List<AuditRecord> records = [];
        for (int i = first; i < first + count; i++)
        {
            records.Add(await log.AppendAsync(Entry(i)));
        }

        return [.. records];
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

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
