using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Tampering with a stored audit chain as someone who can write the store but does not hold <c>AUDIT_HMAC_KEY</c>: each
/// scenario rewrites the rows of a real SQLite file or PostgreSQL table, and verification must fail and name the first
/// record that is not as it was written. With the key every scenario fails; without it, the table below says what an
/// unkeyed chain finds (<see langword="null"/>: nothing; a forger who can recompute SHA-256 rewrites it at will).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class AuditTamperingTests(string store)
{
    private const int Length = 10;

    private static readonly byte[] s_key = Encoding.UTF8.GetBytes("the-operators-audit-key-2026");

    private static readonly Dictionary<string, Tampering> s_scenarios = new Tampering[]
    {
        new("edit a field of record 4", (rows, forge) => Edit(rows, 4, e => e with { Outcome = "failed: HttpRequestException" }), Keyed: 4, Unkeyed: 4),
        new("edit record 4 and rehash it alone", (rows, forge) => Relink(Edit(rows, 4, e => e with { CostUsd = 0m }), 4, 4, forge), Keyed: 4, Unkeyed: 5),
        new("edit record 4 and rehash the chain after it", (rows, forge) => Relink(Edit(rows, 4, e => e with { CostUsd = 0m }), 4, Length, forge), Keyed: 4, Unkeyed: null),
        new("edit record 4 and rehash the chain after it, with a checkpoint", (rows, forge) => Relink(Edit(rows, 4, e => e with { CostUsd = 0m }), 4, Length, forge), Keyed: 4, Unkeyed: 10, Checkpoint: true),
        new("delete record 4", (rows, forge) => Without(rows, 4), Keyed: 4, Unkeyed: 4),
        new("delete record 4, renumber and rehash the rest", (rows, forge) => Relink(Renumber(Without(rows, 4), 4, -1), 4, Length - 1, forge), Keyed: 4, Unkeyed: null),
        new("delete record 4, renumber and rehash the rest, with a checkpoint", (rows, forge) => Relink(Renumber(Without(rows, 4), 4, -1), 4, Length - 1, forge), Keyed: 4, Unkeyed: 10, Checkpoint: true),
        new("insert a forged record at 4, renumber and rehash the rest", (rows, forge) => Relink(Renumber(Inserted(rows, 4, Forged(rows[3])), 5, +1), 4, Length + 1, forge), Keyed: 4, Unkeyed: null),
        new("insert a forged record at 4, renumber and rehash the rest, with a checkpoint", (rows, forge) => Relink(Renumber(Inserted(rows, 4, Forged(rows[3])), 5, +1), 4, Length + 1, forge), Keyed: 4, Unkeyed: 10, Checkpoint: true),
        new("append a forged record", (rows, forge) => Appended(rows, forge), Keyed: 11, Unkeyed: null),
        new("append a forged record, with a checkpoint", (rows, forge) => Appended(rows, forge), Keyed: 11, Unkeyed: null, Checkpoint: true),
        new("replay record 3 at the end", (rows, forge) => [.. rows, rows[2] with { Sequence = Length + 1, PreviousHash = rows[^1].Hash }], Keyed: 11, Unkeyed: 11),
        new("reorder records 3 and 6", (rows, forge) => Swapped(rows, 3, 6), Keyed: 3, Unkeyed: 3),
        new("reorder records 3 and 6, renumbered", (rows, forge) => NumberedByPosition(Swapped(rows, 3, 6)), Keyed: 3, Unkeyed: 3),
        new("reorder records 3 and 6, renumbered and rehashed", (rows, forge) => Relink(NumberedByPosition(Swapped(rows, 3, 6)), 3, Length, forge), Keyed: 3, Unkeyed: null),
        new("truncate the tail, with a checkpoint", (rows, forge) => rows[..7], Keyed: 8, Unkeyed: 8, Checkpoint: true),
        new("truncate the tail, without a checkpoint (a chain alone cannot see it)", (rows, forge) => rows[..7], Keyed: null, Unkeyed: null),
        new("delete the first record", (rows, forge) => Without(rows, 1), Keyed: 1, Unkeyed: 1),
        new("swap the payload hashes of records 3 and 7", (rows, forge) => Edit(Edit(rows, 3, e => e with { PayloadHmac = Entry(7).PayloadHmac }), 7, e => e with { PayloadHmac = Entry(3).PayloadHmac }), Keyed: 3, Unkeyed: 3),
        new("change the tenant of record 5", (rows, forge) => Edit(rows, 5, e => e with { TenantId = "tenant-b" }), Keyed: 5, Unkeyed: 5),
        new("change the tenant of record 5 and rehash the chain after it", (rows, forge) => Relink(Edit(rows, 5, e => e with { TenantId = "tenant-b" }), 5, Length, forge), Keyed: 5, Unkeyed: null),
        new("change the timestamp of record 6", (rows, forge) => Edit(rows, 6, e => e with { Timestamp = e.Timestamp.AddHours(-3) }), Keyed: 6, Unkeyed: 6),
        new("shift the timestamps from record 6 on and rehash", (rows, forge) => Relink(EditFrom(rows, 6, e => e with { Timestamp = e.Timestamp.AddDays(1) }), 6, Length, forge), Keyed: 6, Unkeyed: null),
        new("duplicate record 5, the rest renumbered", (rows, forge) => Renumber(Inserted(rows, 6, rows[4]), 7, +1), Keyed: 6, Unkeyed: 6),
        new("duplicate record 5, renumber and rehash the rest", (rows, forge) => Relink(Renumber(Inserted(rows, 6, rows[4]), 7, +1), 6, Length + 1, forge), Keyed: 6, Unkeyed: null),
        new("replace the whole log by a consistent chain built without the key", (rows, forge) => Relink(Edit(rows, 2, e => e with { Outcome = "blocked" }), 1, Length, forge), Keyed: 1, Unkeyed: null),
        new("flip the hash algorithm of record 5", (rows, forge) => Replaced(rows, 5, rows[4] with { Algorithm = rows[4].Algorithm == AuditHashAlgorithm.Sha256 ? AuditHashAlgorithm.HmacSha256 : AuditHashAlgorithm.Sha256 }), Keyed: 5, Unkeyed: 5),
        new("edit the previous hash of record 5", (rows, forge) => Replaced(rows, 5, rows[4] with { PreviousHash = rows[2].Hash }), Keyed: 5, Unkeyed: 5),
        new("edit the sequence number of record 5", (rows, forge) => Replaced(rows, 5, rows[4] with { Sequence = 50 }), Keyed: 5, Unkeyed: 5),
    }.ToDictionary(t => t.Name);

    private StoreUnderTest _store = null!;

    /// <summary>How a forger without the key hashes a record: with SHA-256 as unkeyed records are, or HMAC under a guessed key.</summary>
    public enum Forgery
    {
        Sha256,
        GuessedKey,
    }

    public static IEnumerable<TestCaseData> KeyedCases() =>
        from t in s_scenarios.Values
        from forgery in new[] { Forgery.Sha256, Forgery.GuessedKey }
        select new TestCaseData(t.Name, forgery).SetArgDisplayNames(t.Name, forgery.ToString());

    public static IEnumerable<TestCaseData> UnkeyedCases() =>
        s_scenarios.Values.Select(t => new TestCaseData(t.Name).SetArgDisplayNames(t.Name));

    [OneTimeSetUp]
    public async Task StartStore() => _store = store == "sqlite" ? new SqliteTable() : await PostgresTable.CreateAsync();

    [OneTimeTearDown]
    public async Task StopStore() => await (_store?.DisposeAsync() ?? ValueTask.CompletedTask);

    [SetUp]
    public async Task Empty() => await _store.WriteRowsAsync([]);

    [TestCaseSource(nameof(KeyedCases))]
    public async Task With_the_key_tampering_fails_at_the_first_wrong_record(string scenario, Forgery forgery)
    {
        Tampering tampering = s_scenarios[scenario];
        IAuditLog log = _store.Open(s_key);
        AuditCheckpoint head = await FillAsync(log);

        await TamperAsync(tampering, forgery == Forgery.Sha256 ? ForgeSha256 : ForgeWithGuessedKey);
        AuditVerification result = tampering.Checkpoint ? await log.VerifyAsync(head) : await log.VerifyAsync();

        Assert.That(result.IsKeyed, Is.True);
        Assert.That((result.IsValid, result.FirstBadSequence), Is.EqualTo((tampering.Keyed is null, tampering.Keyed)), result.Problem);
    }

    [TestCaseSource(nameof(UnkeyedCases))]
    public async Task Without_the_key_tampering_is_found_only_as_documented(string scenario)
    {
        Tampering tampering = s_scenarios[scenario];
        IAuditLog log = _store.Open(null);
        AuditCheckpoint head = await FillAsync(log);

        await TamperAsync(tampering, ForgeSha256);
        AuditVerification result = tampering.Checkpoint ? await log.VerifyAsync(head) : await log.VerifyAsync();

        Assert.That(result.IsKeyed, Is.False);
        Assert.That(result.Warning, Does.Contain("unkeyed").And.Contain("not forgery"), "an unkeyed result says what it cannot show");
        Assert.That((result.IsValid, result.FirstBadSequence), Is.EqualTo((tampering.Unkeyed is null, tampering.Unkeyed)), result.Problem);
    }

    [Test]
    public async Task An_untouched_keyed_chain_verifies_without_a_warning_and_reads_back_keyed()
    {
        IAuditLog log = _store.Open(s_key);
        AuditCheckpoint head = await FillAsync(log);

        AuditVerification result = await log.VerifyAsync(head);

        Assert.That((result.IsValid, result.IsKeyed, result.Warning, result.RecordsChecked), Is.EqualTo((true, true, (string?)null, (long)Length)));
        Assert.That(await log.ReadAllAsync().Select(r => r.Algorithm).Distinct().ToListAsync(), Is.EqualTo(new[] { AuditHashAlgorithm.HmacSha256 }));
    }

    [Test]
    public async Task A_keyed_chain_opened_with_another_key_or_none_fails_at_record_1()
    {
        await FillAsync(_store.Open(s_key));

        AuditVerification other = await _store.Open(Encoding.UTF8.GetBytes("another-key-of-enough-length")).VerifyAsync();
        AuditVerification none = await _store.Open(null).VerifyAsync();

        Assert.That((other.IsValid, other.FirstBadSequence), Is.EqualTo((false, 1L)));
        Assert.That((none.IsValid, none.FirstBadSequence), Is.EqualTo((false, 1L)));
        Assert.That(none.Problem, Does.Contain("cannot be checked without the key"));
    }

    [Test]
    public async Task A_host_without_the_key_appending_to_a_keyed_chain_is_named()
    {
        await FillAsync(_store.Open(s_key));
        await _store.Open(null).AppendAsync(Entry(Length + 1));
        await _store.Open(s_key).AppendAsync(Entry(Length + 2));

        AuditVerification result = await _store.Open(s_key).VerifyAsync();

        Assert.That((result.IsValid, result.FirstBadSequence), Is.EqualTo((false, 11L)));
        Assert.That(result.Problem, Does.Contain("written without AUDIT_HMAC_KEY"));
    }

    [Test]
    public async Task A_chain_of_unkeyed_records_from_before_the_upgrade_is_sealed_by_the_first_keyed_record()
    {
        // The records a version before keyed chains wrote: SHA-256 (algorithm 1, the column's default).
        await FillAsync(_store.Open(null), count: 4);
        IAuditLog keyed = _store.Open(s_key);
        AuditVerification before = await keyed.VerifyAsync();
        Assert.That((before.IsValid, before.FirstBadSequence), Is.EqualTo((false, 1L)), "with the key, a chain without a keyed record could be anyone's");
        Assert.That(before.Problem, Does.Contain("none of the 4 records is keyed"));
        Assert.That((await _store.Open(null).VerifyAsync()).IsValid, Is.True, "and without the key it verifies as it did");

        await keyed.AppendAsync(Entry(5));
        await keyed.AppendAsync(Entry(6));
        AuditVerification sealedChain = await keyed.VerifyAsync();
        Assert.That((sealedChain.IsValid, sealedChain.IsKeyed, sealedChain.RecordsChecked), Is.EqualTo((true, true, 6L)), sealedChain.Problem);
        Assert.That(sealedChain.Warning, Does.Contain("records 1 to 4 were written before the chain was keyed"));

        // Rewriting the unkeyed beginning with fresh SHA-256 hashes breaks the first keyed record's link to it.
        List<AuditRow> rows = await _store.ReadRowsAsync();
        await _store.WriteRowsAsync(Relink(Edit(rows, 2, e => e with { Outcome = "blocked" }), 2, 4, ForgeSha256));
        AuditVerification rewritten = await keyed.VerifyAsync();
        Assert.That((rewritten.IsValid, rewritten.FirstBadSequence), Is.EqualTo((false, 1L)), "an unkeyed record cannot be pinned on its own: from record 1");
        Assert.That(rewritten.Problem, Does.Contain("records 1 to 4 are unkeyed"));
    }

    private static AuditEntry Entry(int i) => new()
    {
        Timestamp = DateTimeOffset.Parse("2026-11-24T12:00:00Z", CultureInfo.InvariantCulture).AddMinutes(i),
        RequestId = $"req-{i}",
        TenantId = "tenant-a",
        Provider = EaioProviders.OpenAI,
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Public,
        Sensitivity = DataSensitivity.Public,
        Reasons = ["privacy PUBLIC: external preferred"],
        EntityCounts = new Dictionary<string, int> { [EntityTypes.Email] = i % 3 },
        PayloadHmac = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
        InputTokens = 100 + i,
        OutputTokens = 20,
        CostUsd = 0.001m * i,
        LatencyMs = 200,
        Outcome = "ok",
    };

    private static async Task<AuditCheckpoint> FillAsync(IAuditLog log, int count = Length)
    {
        for (int i = 1; i <= count; i++)
        {
            await log.AppendAsync(Entry(i));
        }

        AuditVerification intact = await log.VerifyAsync();
        Assert.That(intact.IsValid, Is.True, intact.Problem);
        return intact.Head!;
    }

    private async Task TamperAsync(Tampering tampering, Forge forge)
    {
        List<AuditRow> rows = await _store.ReadRowsAsync();
        Assert.That(rows, Has.Count.EqualTo(Length));
        await _store.WriteRowsAsync(tampering.Apply(rows, forge));
    }

    private static AuditRow ForgeSha256(string previous, long sequence, string json) =>
        new(sequence, json, previous, AuditChain.Hash(previous, sequence, json), AuditHashAlgorithm.Sha256);

    private static AuditRow ForgeWithGuessedKey(string previous, long sequence, string json) =>
        new(sequence, json, previous, new AuditChain(Encoding.UTF8.GetBytes("guessed")).Link(previous, sequence, json), AuditHashAlgorithm.HmacSha256);

    /// <summary>Record <paramref name="record"/>'s entry changed, its hash left as it was.</summary>
    private static List<AuditRow> Edit(List<AuditRow> rows, int record, Func<AuditEntry, AuditEntry> change) =>
        Replaced(rows, record, rows[record - 1] with { EntryJson = AuditChain.Serialize(change(AuditChain.Deserialize(rows[record - 1].EntryJson))) });

    private static List<AuditRow> EditFrom(List<AuditRow> rows, int record, Func<AuditEntry, AuditEntry> change)
    {
        for (int r = record; r <= rows.Count; r++)
        {
            rows = Edit(rows, r, change);
        }

        return rows;
    }

    private static List<AuditRow> Replaced(List<AuditRow> rows, int record, AuditRow row) => [.. rows[..(record - 1)], row, .. rows[record..]];

    private static List<AuditRow> Without(List<AuditRow> rows, int record) => [.. rows[..(record - 1)], .. rows[record..]];

    private static List<AuditRow> Inserted(List<AuditRow> rows, int at, AuditRow row) => [.. rows[..(at - 1)], row with { Sequence = at }, .. rows[(at - 1)..]];

    private static List<AuditRow> Swapped(List<AuditRow> rows, int a, int b)
    {
        List<AuditRow> swapped = [.. rows];
        (swapped[a - 1], swapped[b - 1]) = (rows[b - 1], rows[a - 1]);
        return swapped;
    }

    /// <summary>The rows from position <paramref name="from"/> on renumbered by <paramref name="shift"/>, hashes kept.</summary>
    private static List<AuditRow> Renumber(List<AuditRow> rows, int from, int shift) =>
        [.. rows.Select((row, i) => i + 1 < from ? row : row with { Sequence = row.Sequence + shift })];

    private static List<AuditRow> NumberedByPosition(List<AuditRow> rows) => [.. rows.Select((row, i) => row with { Sequence = i + 1 })];

    /// <summary>A record of the forger's own in place of <paramref name="row"/> (hashed when the scenario relinks it).</summary>
    private static AuditRow Forged(AuditRow row) => row with { EntryJson = AuditChain.Serialize(Entry(40) with { Outcome = "ok", CostUsd = 0m }) };

    /// <summary>Records <paramref name="from"/> to <paramref name="to"/> rehashed by the forger, each linked to the one before.</summary>
    private static List<AuditRow> Relink(List<AuditRow> rows, int from, int to, Forge forge)
    {
        List<AuditRow> relinked = [.. rows];
        for (int r = from; r <= to; r++)
        {
            string previous = r == 1 ? AuditChain.Genesis : relinked[r - 2].Hash;
            relinked[r - 1] = forge(previous, relinked[r - 1].Sequence, relinked[r - 1].EntryJson);
        }

        return relinked;
    }

    private static List<AuditRow> Appended(List<AuditRow> rows, Forge forge) =>
        [.. rows, forge(rows[^1].Hash, rows.Count + 1, AuditChain.Serialize(Entry(rows.Count + 1) with { Outcome = "ok", CostUsd = 0m }))];

    internal delegate AuditRow Forge(string previous, long sequence, string json);

    private sealed record Tampering(string Name, Func<List<AuditRow>, Forge, List<AuditRow>> Apply, long? Keyed, long? Unkeyed, bool Checkpoint = false);

    /// <summary>A real store and raw access to its rows, as someone who can write it has.</summary>
    private abstract class StoreUnderTest : IAsyncDisposable
    {
        public abstract IAuditLog Open(byte[]? key);

        public abstract Task<List<AuditRow>> ReadRowsAsync();

        /// <summary>Replaces every row, inserted in this order (the order verification reads them in).</summary>
        public abstract Task WriteRowsAsync(IReadOnlyList<AuditRow> rows);

        public abstract ValueTask DisposeAsync();
    }

    private sealed class SqliteTable : StoreUnderTest
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("eaio-audit-tamper-").FullName;

        private string DbPath => Path.Combine(_directory, "eaio.db");

        public override IAuditLog Open(byte[]? key) => new SqliteAuditLog(DbPath, key);

        public override async Task<List<AuditRow>> ReadRowsAsync()
        {
            await using SqliteConnection connection = new($"Data Source={DbPath}");
            await connection.OpenAsync();
            await using SqliteCommand select = new("SELECT seq, entry, prev, hash, alg FROM audit ORDER BY rowid", connection);
            await using SqliteDataReader reader = await select.ExecuteReaderAsync();
            List<AuditRow> rows = [];
            while (await reader.ReadAsync())
            {
                rows.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (AuditHashAlgorithm)reader.GetInt32(4)));
            }

            return rows;
        }

        public override async Task WriteRowsAsync(IReadOnlyList<AuditRow> rows)
        {
            _ = await Open(null).VerifyAsync(); // creates the table on first use
            await using SqliteConnection connection = new($"Data Source={DbPath}");
            await connection.OpenAsync();
            await using SqliteTransaction transaction = connection.BeginTransaction();
            await using (SqliteCommand delete = new("DELETE FROM audit", connection, transaction))
            {
                await delete.ExecuteNonQueryAsync();
            }

            foreach (AuditRow row in rows)
            {
                await using SqliteCommand insert = new("INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, $alg)", connection, transaction);
                insert.Parameters.AddWithValue("$seq", row.Sequence);
                insert.Parameters.AddWithValue("$entry", row.EntryJson);
                insert.Parameters.AddWithValue("$prev", row.PreviousHash);
                insert.Parameters.AddWithValue("$hash", row.Hash);
                insert.Parameters.AddWithValue("$alg", (int)row.Algorithm);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresTable : StoreUnderTest
    {
        private readonly PostgresDatabase _database;
        private readonly Eaio.Routing.PostgresStore _store;

        private PostgresTable(PostgresDatabase database)
        {
            _database = database;
            _store = new Eaio.Routing.PostgresStore(database.ConnectionString);
        }

        public static async Task<StoreUnderTest> CreateAsync()
        {
            PostgresDatabase database = await PostgresDatabase.CreateAsync();
            PostgresTable store = new(database);
            await store._store.EnsureSchemaAsync();
            return store;
        }

        public override IAuditLog Open(byte[]? key) => new PostgresAuditLog(_store, key);

        public override async Task<List<AuditRow>> ReadRowsAsync()
        {
            await using NpgsqlConnection connection = new(_database.ConnectionString);
            await connection.OpenAsync();
            await using NpgsqlCommand select = new("SELECT seq, entry, prev, hash, alg FROM eaio_audit ORDER BY id", connection);
            await using NpgsqlDataReader reader = await select.ExecuteReaderAsync();
            List<AuditRow> rows = [];
            while (await reader.ReadAsync())
            {
                rows.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (AuditHashAlgorithm)reader.GetInt16(4)));
            }

            return rows;
        }

        public override async Task WriteRowsAsync(IReadOnlyList<AuditRow> rows)
        {
            await using NpgsqlConnection connection = new(_database.ConnectionString);
            await connection.OpenAsync();
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
            await using (NpgsqlCommand delete = new("DELETE FROM eaio_audit", connection, transaction))
            {
                await delete.ExecuteNonQueryAsync();
            }

            foreach (AuditRow row in rows)
            {
                await using NpgsqlCommand insert = new("INSERT INTO eaio_audit (seq, entry, prev, hash, alg) VALUES (@seq, @entry, @prev, @hash, @alg)", connection, transaction);
                insert.Parameters.AddWithValue("seq", row.Sequence);
                insert.Parameters.AddWithValue("entry", row.EntryJson);
                insert.Parameters.AddWithValue("prev", row.PreviousHash);
                insert.Parameters.AddWithValue("hash", row.Hash);
                insert.Parameters.AddWithValue("alg", (short)row.Algorithm);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await _store.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
