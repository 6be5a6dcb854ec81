using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class AuditLogTests
{
    private static readonly byte[] s_key = System.Text.Encoding.UTF8.GetBytes("the-operators-audit-key-2026");

    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("eaio-audit-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static AuditEntry Entry(int i) => new()
    {
        Timestamp = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture).AddSeconds(i),
        RequestId = $"req-{i}",
        Provider = EaioProviders.OpenAI,
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Public,
        Sensitivity = DataSensitivity.Public,
        Reasons = ["privacy PUBLIC: external preferred"],
        EntityCounts = new Dictionary<string, int> { [EntityTypes.Email] = i % 3, [EntityTypes.Building] = 1 },
        PayloadHmac = new string('a', 64),
        InputTokens = 10 + i,
        OutputTokens = 5,
        CostUsd = 0.0001m * i,
        LatencyMs = 12.5,
        Outcome = "ok",
    };

    private SqliteAuditLog Sqlite() => new(Path.Combine(_directory, "eaio.db"));

    private static async Task Fill(IAuditLog log, int count)
    {
        for (int i = 1; i <= count; i++)
        {
            await log.AppendAsync(Entry(i));
        }
    }

    private async Task Execute(string sql)
    {
        await using SqliteConnection connection = new($"Data Source={Path.Combine(_directory, "eaio.db")}");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task An_intact_log_verifies_and_reads_back_what_was_written()
    {
        SqliteAuditLog log = Sqlite();
        await Fill(log, 5);

        AuditVerification result = await log.VerifyAsync();
        List<AuditRecord> records = await log.ReadAllAsync().ToListAsync();

        Assert.That(result, Is.EqualTo(new AuditVerification(true, 5, null, null) { Head = new AuditCheckpoint(5, records[^1].Hash), Warning = result.Warning }), "the head is the last record");
        Assert.That((result.IsKeyed, result.Warning), Is.EqualTo((false, "the chain is unkeyed (no AUDIT_HMAC_KEY): it finds accidental damage, not forgery; anyone who can write the store can rewrite it with fresh hashes")));
        Assert.That(records.Select(r => r.Sequence), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
        Assert.That(records[2].Entry.RequestId, Is.EqualTo("req-3"));
        Assert.That(records[2].Entry.EntityCounts[EntityTypes.Email], Is.EqualTo(0));
        Assert.That(records[2].PreviousHash, Is.EqualTo(records[1].Hash));
        Assert.That(File.Exists(log.Path), Is.True);
    }

    [Test]
    public async Task An_edited_record_is_named()
    {
        await Fill(Sqlite(), 5);
        await Execute("UPDATE audit SET entry = replace(entry, '\"Outcome\":\"ok\"', '\"Outcome\":\"failed\"') WHERE seq = 3");

        AuditVerification result = await Sqlite().VerifyAsync();

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FirstBadSequence, Is.EqualTo(3));
        Assert.That(result.Problem, Does.Contain("record 3 was edited"));
    }

    [Test]
    public async Task A_deleted_record_is_named()
    {
        await Fill(Sqlite(), 5);
        await Execute("DELETE FROM audit WHERE seq = 2");

        AuditVerification result = await Sqlite().VerifyAsync();

        Assert.That((result.IsValid, result.FirstBadSequence), Is.EqualTo((false, 2L)), "the deleted record, not the one after it");
        Assert.That(result.Problem, Does.Contain("record 2 is missing"));
    }

    [Test]
    public async Task Reordered_records_are_detected()
    {
        await Fill(Sqlite(), 5);

        // Swap records 2 and 4, sequence numbers and all, as someone rewriting history would.
        await Execute("""
            UPDATE audit SET seq = -2 WHERE seq = 2;
            UPDATE audit SET seq = 2 WHERE seq = 4;
            UPDATE audit SET seq = 4 WHERE seq = -2;
            """);

        AuditVerification result = await Sqlite().VerifyAsync();

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FirstBadSequence, Is.EqualTo(2), "position 2 is the first that holds the wrong record (it says it is record 4)");
    }

    /// <summary>Unkeyed, a record rewritten with a fresh SHA-256 is itself consistent: only the next link shows it, and
    /// which of the two changed cannot be told (keyed, the record itself is named: AuditTamperingTests).</summary>
    [Test]
    public async Task In_an_unkeyed_chain_a_record_replaced_with_a_recomputed_hash_breaks_the_next_link()
    {
        await Fill(Sqlite(), 4);
        string forged = AuditChain.Serialize(Entry(2) with { Outcome = "blocked" });
        string previous = await Scalar("SELECT prev FROM audit WHERE seq = 2");
        await Execute($"UPDATE audit SET entry = '{forged.Replace("'", "''", StringComparison.Ordinal)}', hash = '{AuditChain.Hash(previous, 2, forged)}' WHERE seq = 2");

        AuditVerification result = await Sqlite().VerifyAsync();

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FirstBadSequence, Is.EqualTo(3));
        Assert.That(result.Problem, Does.Contain("does not follow record 2"));
    }

    [Test]
    public async Task Records_deleted_from_the_end_pass_the_chain_but_not_a_checkpoint()
    {
        await Fill(Sqlite(), 5);
        AuditCheckpoint head = (await Sqlite().VerifyAsync()).Head!;
        Assert.That(head.Sequence, Is.EqualTo(5));

        await Execute("DELETE FROM audit WHERE seq > 3");

        Assert.That((await Sqlite().VerifyAsync()).IsValid, Is.True, "what is left is a valid chain");
        AuditVerification result = await Sqlite().VerifyAsync(head);
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FirstBadSequence, Is.EqualTo(4));
        Assert.That(result.Problem, Does.Contain("ends at record 3").And.Contain("deleted"));
    }

    [Test]
    public async Task A_rewritten_end_with_fresh_hashes_passes_the_chain_but_not_a_checkpoint()
    {
        await Fill(Sqlite(), 4);
        AuditCheckpoint head = AuditCheckpoint.Parse((await Sqlite().VerifyAsync()).Head!.ToString());
        string forged = AuditChain.Serialize(Entry(4) with { Outcome = "blocked" });
        string previous = await Scalar("SELECT prev FROM audit WHERE seq = 4");
        await Execute($"UPDATE audit SET entry = '{forged.Replace("'", "''", StringComparison.Ordinal)}', hash = '{AuditChain.Hash(previous, 4, forged)}' WHERE seq = 4");

        Assert.That((await Sqlite().VerifyAsync()).IsValid, Is.True, "the last record has no successor to contradict it");
        AuditVerification result = await Sqlite().VerifyAsync(head);
        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FirstBadSequence, Is.EqualTo(4));
        Assert.That(result.Problem, Does.Contain("rewritten"));
    }

    [Test]
    public async Task An_earlier_checkpoint_stays_valid_as_the_log_grows()
    {
        SqliteAuditLog log = Sqlite();
        await Fill(log, 2);
        AuditCheckpoint early = (await log.VerifyAsync()).Head!;
        await Fill(log, 3);

        AuditVerification result = await log.VerifyAsync(early);

        Assert.That((result.IsValid, result.RecordsChecked, result.Head!.Sequence), Is.EqualTo((true, 5L, 5L)));
    }

    [TestCase("")]
    [TestCase("0:0000000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("3:abc")]
    [TestCase("3:zz00000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("three:0000000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_checkpoint_is_refused_with_what_is_expected(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => AuditCheckpoint.Parse(text))!;
        Assert.That(error.Message, Does.Contain("64 hex digit"));
    }

    [Test]
    public async Task Concurrent_appends_from_two_stores_on_one_file_keep_one_chain()
    {
        SqliteAuditLog a = Sqlite();
        SqliteAuditLog b = Sqlite();
        await a.AppendAsync(Entry(0));

        await Task.WhenAll(Enumerable.Range(1, 40).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Entry(i))));

        AuditVerification result = await a.VerifyAsync();
        Assert.That(result.IsValid, Is.True, result.Problem);
        Assert.That(result.RecordsChecked, Is.EqualTo(41));
    }

    [Test]
    public async Task The_in_memory_store_detects_the_same_tampering()
    {
        InMemoryAuditLog log = new();
        await Fill(log, 4);
        Assert.That((await log.VerifyAsync()).IsValid, Is.True);

        log.Tamper(rows => rows.RemoveAt(1));
        Assert.That((await log.VerifyAsync()).Problem, Does.Contain("record 2 is missing"));
    }

    [Test]
    public async Task Json_lines_export_writes_one_record_a_line()
    {
        InMemoryAuditLog log = new();
        await Fill(log, 3);
        using StringWriter writer = new();

        await log.ExportJsonLinesAsync(writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        using System.Text.Json.JsonDocument first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.That(first.RootElement.GetProperty("Sequence").GetInt64(), Is.EqualTo(1));
        Assert.That(first.RootElement.GetProperty("Entry").GetProperty("RequestId").GetString(), Is.EqualTo("req-1"));
    }

    [Test]
    public async Task The_router_records_every_external_call_and_block_without_raw_values()
    {
        const string Email = "hannah.operator@example.org";
        InMemoryAuditLog audit = new();
        await using RouterHarness h = await RouterHarness.StartAsync(
            o => o.AuditHmacKey = "a-test-key-of-sufficient-length",
            services: s =>
            {
                s.AddSingleton<IAuditLog>(audit);
                s.AddSingleton<ISensitiveDataDetector>(new SubstringDetector(Email));
                s.AddSingleton<ISensitiveDataDetector>(new EgressGuardTests.FailsOnWordDetector("EMAIL_1"));
            });
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.TenantId = "tenant-a"; });

        await h.Chat.GetResponseAsync("How many joules are in a calorie?", options);
        await h.Chat.GetStreamingResponseAsync("And a therm?", options).ToChatResponseAsync();
        await h.Chat.GetResponseAsync($"Send it to {Email}", options);
        await h.Chat.GetResponseAsync("Local only", RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private));

        List<AuditRecord> records = await audit.ReadAllAsync().ToListAsync();
        Assert.That(records.Select(r => r.Entry.Outcome), Is.EqualTo(new[] { "ok", "ok", "blocked" }), "local calls are not audited");
        Assert.That(records[2].Entry.EntityCounts[EntityTypes.Email], Is.EqualTo(1), "the pseudonymised e-mail is counted, not stored");
        Assert.That(records.Select(r => r.Entry.Provider), Has.All.EqualTo(EaioProviders.OpenAI));
        Assert.That(records[0].Entry.InputTokens, Is.EqualTo(11));
        Assert.That(records[1].Entry.OutputTokens, Is.EqualTo(3), "a streamed call records the usage of its stream");
        Assert.That(records[0].Entry.TenantId, Is.EqualTo("tenant-a"));
        Assert.That(records[0].Entry.PayloadHmac, Has.Length.EqualTo(64));
        Assert.That(records[0].Entry.PayloadHmac, Is.Not.EqualTo(records[1].Entry.PayloadHmac));
        Assert.That((await audit.VerifyAsync()).IsValid, Is.True);

        using StringWriter export = new();
        await audit.ExportJsonLinesAsync(export);
        Assert.That(export.ToString(), Does.Not.Contain(Email).And.Not.Contain("test-openai-key").And.Not.Contain("joules"));
    }

    [Test]
    public void Turning_the_audit_off_warns_at_start_up_and_registers_no_log()
    {
        using Microsoft.Extensions.Logging.Testing.FakeLoggerProvider logs = new();
        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddEaioHybridChat(o =>
        {
            o.AuditAllApiCalls = false;
            o.DataDirectory = TestDataDirectory.Path;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<IChatClient>();

        Assert.That(provider.GetService<IAuditLog>(), Is.Null);
        Assert.That(logs.Collector.GetSnapshot().Select(r => r.Message), Has.Some.Contains("external calls are not audited"));
    }

    [Test]
    public async Task A_file_written_before_keyed_chains_still_verifies_and_is_sealed_by_its_first_keyed_record()
    {
        // The table and records as the previous version wrote them: no algorithm column, plain SHA-256.
        await Execute("CREATE TABLE audit (seq INTEGER NOT NULL UNIQUE, entry TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)");
        string previous = AuditChain.Genesis;
        for (int i = 1; i <= 3; i++)
        {
            string json = AuditChain.Serialize(Entry(i)).Replace("'", "''", StringComparison.Ordinal);
            string hash = AuditChain.Hash(previous, i, AuditChain.Serialize(Entry(i)));
            await Execute($"INSERT INTO audit (seq, entry, prev, hash) VALUES ({i}, '{json}', '{previous}', '{hash}')");
            previous = hash;
        }

        AuditVerification unkeyed = await Sqlite().VerifyAsync();
        Assert.That((unkeyed.IsValid, unkeyed.RecordsChecked, unkeyed.IsKeyed), Is.EqualTo((true, 3L, false)), unkeyed.Problem);
        Assert.That(await Sqlite().ReadAllAsync().Select(r => r.Algorithm).ToListAsync(), Has.All.EqualTo(AuditHashAlgorithm.Sha256));

        SqliteAuditLog keyed = new(Path.Combine(_directory, "eaio.db"), s_key);
        Assert.That((await keyed.VerifyAsync()).FirstBadSequence, Is.EqualTo(1), "with the key, nothing yet shows the chain was written by its holder");
        AuditRecord first = await keyed.AppendAsync(Entry(4));
        Assert.That((first.Algorithm, first.PreviousHash), Is.EqualTo((AuditHashAlgorithm.HmacSha256, previous)), "the first keyed record covers the old chain's head");
        AuditVerification sealedChain = await keyed.VerifyAsync();
        Assert.That((sealedChain.IsValid, sealedChain.IsKeyed, sealedChain.RecordsChecked), Is.EqualTo((true, true, 4L)), sealedChain.Problem);
        Assert.That(sealedChain.Warning, Does.Contain("records 1 to 3 were written before the chain was keyed"));

        // A process still on the previous version appends without naming the column: an unkeyed record after keyed ones.
        string late = AuditChain.Serialize(Entry(5));
        await Execute($"INSERT INTO audit (seq, entry, prev, hash) VALUES (5, '{late.Replace("'", "''", StringComparison.Ordinal)}', '{first.Hash}', '{AuditChain.Hash(first.Hash, 5, late)}')");
        AuditVerification mixed = await keyed.VerifyAsync();
        Assert.That((mixed.IsValid, mixed.FirstBadSequence), Is.EqualTo((false, 5L)));
        Assert.That(mixed.Problem, Does.Contain("written without AUDIT_HMAC_KEY"));
    }

    [TestCase("a-test-key-of-sufficient-length", AuditHashAlgorithm.HmacSha256)]
    [TestCase(null, AuditHashAlgorithm.Sha256)]
    public async Task The_registered_store_keys_its_chain_with_AUDIT_HMAC_KEY_when_it_is_set(string? key, AuditHashAlgorithm expected)
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.AuditHmacKey = key;
            o.DataDirectory = _directory;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IAuditLog log = provider.GetRequiredService<IAuditLog>();

        AuditRecord record = await log.AppendAsync(Entry(1));
        AuditVerification result = await log.VerifyAsync();

        Assert.That((record.Algorithm, result.IsValid, result.IsKeyed), Is.EqualTo((expected, true, key is not null)));
        Assert.That(result.Warning, key is null ? Does.Contain("unkeyed") : Is.Null);
    }

    [Test]
    public void An_empty_key_is_refused_rather_than_taken_for_no_key()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new SqliteAuditLog(Path.Combine(_directory, "eaio.db"), []))!;
        Assert.That(error.ParamName, Is.EqualTo("hmacKey"));
        Assert.That(error.Message, Does.Contain("AUDIT_HMAC_KEY"));
        Assert.Throws<ArgumentException>(() => _ = new InMemoryAuditLog([]));
    }

    private async Task<string> Scalar(string sql)
    {
        await using SqliteConnection connection = new($"Data Source={Path.Combine(_directory, "eaio.db")}");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private sealed class SubstringDetector(string value) : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
        {
            int at = text.IndexOf(value, StringComparison.Ordinal);
            if (at >= 0)
            {
                spans.Add(new SensitiveSpan(at, value.Length, EntityTypes.Email, 1));
            }
        }
    }
}
