using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>The vault contract on a real SQLite file in a temp folder, plus what only a shared, persistent file has.</summary>
[TestFixture]
public sealed class SqlitePseudonymVaultTests : PseudonymVaultContract
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private string _directory = string.Empty;

    private string DatabasePath => Path.Combine(_directory, "vault", "pseudonyms.db");

    [SetUp]
    public async Task SetUp() => _directory = Directory.CreateTempSubdirectory("eaio-vault-").FullName;

    [TearDown]
    public async Task TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry) =>
        new SqlitePseudonymVault(DatabasePath, Key, expiry, timeProvider);

    [Test]
    public async Task Two_instances_on_one_file_share_placeholders_and_numbering()
    {
        SqlitePseudonymVault first = new(DatabasePath, Key);
        SqlitePseudonymVault second = new(DatabasePath, Key);
        string scope = await first.OpenScopeAsync("conv");
        _ = await first.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await second.OpenScopeAsync("conv"), Is.EqualTo("conv"));
            string? original = await second.OriginalAsync(scope, "EMAIL_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("a@x.org"));
            Assert.That(await second.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(await second.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            string? added = await first.OriginalAsync(scope, "EMAIL_2");
            Assert.That(added, Is.Not.Null);
            Assert.That(added, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public async Task Two_instances_adding_concurrently_agree()
    {
        SqlitePseudonymVault[] vaults = [new(DatabasePath, Key), new(DatabasePath, Key)];
        string scope = await vaults[0].OpenScopeAsync("conv");
        string[] values = [.. Enumerable.Range(0, 15).Select(i => $"v{i}@x.org")];

        string[][] results = await Task.WhenAll(vaults.Select((vault, k) => Task.Run(async () =>
        {
            List<string> issued = [];
            foreach (string v in values.Reverse().Skip(k).Concat(values))
            {
                issued.Add(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, v));
            }

            return issued.ToArray();
        })));

        await Assert.MultipleAsync(async () =>
        {
            foreach (string value in values)
            {
                Assert.That(await vaults[0].GetOrAddPlaceholderAsync(scope, EntityTypes.Email, value), Is.EqualTo(await vaults[1].GetOrAddPlaceholderAsync(scope, EntityTypes.Email, value)));
            }

            Assert.That(results.SelectMany(r => r).Distinct(), Is.EquivalentTo(Enumerable.Range(1, values.Length).Select(n => $"EMAIL_{n}")));
        });
    }

    [Test]
    public async Task Placeholders_survive_a_restart()
    {
        SqlitePseudonymVault before = new(DatabasePath, Key);
        string scope = await before.OpenScopeAsync("conv");
        _ = await before.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, "Panther_office_Hannah");
        SqliteConnection.ClearAllPools();

        SqlitePseudonymVault after = new(DatabasePath, Key);
        await Assert.MultipleAsync(async () =>
        {
            string? original = await after.OriginalAsync(scope, "BUILDING_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("Panther_office_Hannah"));
            Assert.That(await after.GetStemsAsync(scope), Is.EqualTo(new[] { "BUILDING" }));
        });
    }

    [Test]
    public async Task Values_and_conversation_ids_are_never_stored_in_clear_text()
    {
        const string Conversation = "conversation-4711-hannah";
        string[] values = ["hannah.schmidt@panther-energy.eu", "Panther_office_Hannah", "742 Evergreen Terrace", "EMAIL_9"];
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = await vault.OpenScopeAsync(Conversation);
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, values[0]);
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, values[1]);
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.StreetAddress, values[2]);
        _ = await vault.ReserveLiteralAsync(scope, "EMAIL_1");
        string last = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, values[3]);

        // The database file and its write-ahead log, read while the vault is open, hold every byte written so far.
        byte[] raw = [.. Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!).SelectMany(ReadShared)];
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(raw, Is.Not.Empty);
            foreach (string secret in values.Append(Conversation))
            {
                Assert.That(IndexOf(raw, Encoding.UTF8.GetBytes(secret)), Is.EqualTo(-1), secret);
                Assert.That(IndexOf(raw, Encoding.Unicode.GetBytes(secret)), Is.EqualTo(-1), secret + " (UTF-16)");
            }

            Assert.That(IndexOf(raw, "BUILDING_1"u8.ToArray()), Is.Not.EqualTo(-1), "placeholders are stored as they are (the check can find text)");
            string? original = await vault.OriginalAsync(scope, last);
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo(values[3]));
        });
    }

    [Test]
    public async Task Another_key_cannot_restore_and_does_not_reuse_numbers()
    {
        SqlitePseudonymVault owner = new(DatabasePath, Key);
        string scope = await owner.OpenScopeAsync("conv");
        _ = await owner.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");

        SqlitePseudonymVault stranger = new(DatabasePath, RandomNumberGenerator.GetBytes(32));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await stranger.OriginalAsync(scope, "EMAIL_1")) is not null, Is.False, "the scope id is keyed too, so the scope is not even found");
            string strangerScope = await stranger.OpenScopeAsync("conv");
            Assert.That(await stranger.GetOrAddPlaceholderAsync(strangerScope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            string? original = await owner.OriginalAsync(scope, "EMAIL_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("a@x.org"));
        });
    }

    [Test]
    public async Task A_tampered_value_is_not_restored()
    {
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "a@x.org");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "b@x.org");

        // Moving a sealed value to another placeholder breaks its associated data, so it no longer decrypts.
        using (SqliteConnection connection = new($"Data Source={DatabasePath}"))
        {
            connection.Open();
            using SqliteCommand swap = connection.CreateCommand();
            swap.CommandText = "UPDATE vault_entry SET value = (SELECT value FROM vault_entry WHERE placeholder = 'EMAIL_2') WHERE placeholder = 'EMAIL_1'";
            Assert.That(swap.ExecuteNonQuery(), Is.EqualTo(1));
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await vault.OriginalAsync(scope, "EMAIL_1")) is not null, Is.False);
            string? untouched = await vault.OriginalAsync(scope, "EMAIL_2");
            Assert.That(untouched, Is.Not.Null);
            Assert.That(untouched, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public async Task Expired_scopes_are_deleted_from_the_file_when_another_scope_opens()
    {
        FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        SqlitePseudonymVault vault = new(DatabasePath, Key, TimeSpan.FromMinutes(5), time);
        string old = await vault.OpenScopeAsync("old");
        _ = await vault.GetOrAddPlaceholderAsync(old, EntityTypes.Email, "a@x.org");
        time.Advance(TimeSpan.FromMinutes(6));
        _ = await vault.OpenScopeAsync("new");

        using SqliteConnection connection = new($"Data Source={DatabasePath}");
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT (SELECT count(*) FROM vault_entry) * 100 + (SELECT count(*) FROM vault_scope)";
        Assert.That(count.ExecuteScalar(), Is.EqualTo(1L), "no entries left, one scope (the new one)");
    }

    [Test]
    public async Task Pseudonymiser_and_restorers_work_on_the_file()
    {
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = await vault.OpenScopeAsync("conv");
        const string Prompt = "Ask hannah@panther-energy.eu about EMAIL_1 at 742 Evergreen Terrace.";
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        string sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, Prompt, scanner.Scan(Prompt).Spans)).Text;
        const string Answer = "I wrote to email_1 about ADDRESS\\_1 and EMAIL_2.";
        const string Expected = "I wrote to hannah@panther-energy.eu about 742 Evergreen Terrace and EMAIL_1.";

        await Assert.MultipleAsync(async () =>
        {
            // The value is issued EMAIL_1 first, so the literal EMAIL_1 is sent as EMAIL_2 and comes back as written.
            Assert.That(sanitized, Is.EqualTo("Ask EMAIL_1 about EMAIL_2 at ADDRESS_1."));
            Assert.That((await vault.RestorerAsync(scope)).Restore(Answer), Is.EqualTo(Expected));
            for (int i = 0; i <= Answer.Length; i += 3)
            {
                StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
                Assert.That(restorer.Append(Answer[..i]) + restorer.Append(Answer[i..]) + restorer.Flush(), Is.EqualTo(Expected), $"split at {i}");
            }
        });
    }

    [Test]
    public void Short_keys_are_rejected()
        => Assert.That(() => new SqlitePseudonymVault(DatabasePath, new byte[16]), Throws.ArgumentException);

    private static byte[] ReadShared(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using MemoryStream copy = new();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
