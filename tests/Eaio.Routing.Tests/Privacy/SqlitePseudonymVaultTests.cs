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
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("eaio-vault-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry) =>
        new SqlitePseudonymVault(DatabasePath, Key, expiry, timeProvider);

    [Test]
    public void Two_instances_on_one_file_share_placeholders_and_numbering()
    {
        SqlitePseudonymVault first = new(DatabasePath, Key);
        SqlitePseudonymVault second = new(DatabasePath, Key);
        string scope = first.OpenScope("conv");
        _ = first.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");

        Assert.Multiple(() =>
        {
            Assert.That(second.OpenScope("conv"), Is.EqualTo("conv"));
            Assert.That(second.TryGetOriginal(scope, "EMAIL_1", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("a@x.org"));
            Assert.That(second.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(second.GetOrAddPlaceholder(scope, EntityTypes.Email, "b@x.org"), Is.EqualTo("EMAIL_2"));
            Assert.That(first.TryGetOriginal(scope, "EMAIL_2", out string? added), Is.True);
            Assert.That(added, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public async Task Two_instances_adding_concurrently_agree()
    {
        SqlitePseudonymVault[] vaults = [new(DatabasePath, Key), new(DatabasePath, Key)];
        string scope = vaults[0].OpenScope("conv");
        string[] values = [.. Enumerable.Range(0, 15).Select(i => $"v{i}@x.org")];

        string[][] results = await Task.WhenAll(vaults.Select((vault, k) => Task.Run(() =>
            values.Reverse().Skip(k).Concat(values).Select(v => vault.GetOrAddPlaceholder(scope, EntityTypes.Email, v)).ToArray())));

        Assert.Multiple(() =>
        {
            foreach (string value in values)
            {
                Assert.That(vaults[0].GetOrAddPlaceholder(scope, EntityTypes.Email, value), Is.EqualTo(vaults[1].GetOrAddPlaceholder(scope, EntityTypes.Email, value)));
            }

            Assert.That(results.SelectMany(r => r).Distinct(), Is.EquivalentTo(Enumerable.Range(1, values.Length).Select(n => $"EMAIL_{n}")));
        });
    }

    [Test]
    public void Placeholders_survive_a_restart()
    {
        SqlitePseudonymVault before = new(DatabasePath, Key);
        string scope = before.OpenScope("conv");
        _ = before.GetOrAddPlaceholder(scope, EntityTypes.Building, "Panther_office_Hannah");
        SqliteConnection.ClearAllPools();

        SqlitePseudonymVault after = new(DatabasePath, Key);
        Assert.Multiple(() =>
        {
            Assert.That(after.TryGetOriginal(scope, "BUILDING_1", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("Panther_office_Hannah"));
            Assert.That(after.GetStems(scope), Is.EqualTo(new[] { "BUILDING" }));
        });
    }

    [Test]
    public void Values_and_conversation_ids_are_never_stored_in_clear_text()
    {
        const string Conversation = "conversation-4711-hannah";
        string[] values = ["hannah.schmidt@panther-energy.eu", "Panther_office_Hannah", "742 Evergreen Terrace", "EMAIL_9"];
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = vault.OpenScope(Conversation);
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, values[0]);
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Building, values[1]);
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.StreetAddress, values[2]);
        _ = vault.ReserveLiteral(scope, "EMAIL_1");
        string last = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, values[3]);

        // The database file and its write-ahead log, read while the vault is open, hold every byte written so far.
        byte[] raw = [.. Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!).SelectMany(ReadShared)];
        Assert.Multiple(() =>
        {
            Assert.That(raw, Is.Not.Empty);
            foreach (string secret in values.Append(Conversation))
            {
                Assert.That(IndexOf(raw, Encoding.UTF8.GetBytes(secret)), Is.EqualTo(-1), secret);
                Assert.That(IndexOf(raw, Encoding.Unicode.GetBytes(secret)), Is.EqualTo(-1), secret + " (UTF-16)");
            }

            Assert.That(IndexOf(raw, "BUILDING_1"u8.ToArray()), Is.Not.EqualTo(-1), "placeholders are stored as they are (the check can find text)");
            Assert.That(vault.TryGetOriginal(scope, last, out string? original), Is.True);
            Assert.That(original, Is.EqualTo(values[3]));
        });
    }

    [Test]
    public void Another_key_cannot_restore_and_does_not_reuse_numbers()
    {
        SqlitePseudonymVault owner = new(DatabasePath, Key);
        string scope = owner.OpenScope("conv");
        _ = owner.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");

        SqlitePseudonymVault stranger = new(DatabasePath, RandomNumberGenerator.GetBytes(32));
        Assert.Multiple(() =>
        {
            Assert.That(stranger.TryGetOriginal(scope, "EMAIL_1", out _), Is.False, "the scope id is keyed too, so the scope is not even found");
            string strangerScope = stranger.OpenScope("conv");
            Assert.That(stranger.GetOrAddPlaceholder(strangerScope, EntityTypes.Email, "a@x.org"), Is.EqualTo("EMAIL_1"));
            Assert.That(owner.TryGetOriginal(scope, "EMAIL_1", out string? original), Is.True);
            Assert.That(original, Is.EqualTo("a@x.org"));
        });
    }

    [Test]
    public void A_tampered_value_is_not_restored()
    {
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = vault.OpenScope("conv");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "a@x.org");
        _ = vault.GetOrAddPlaceholder(scope, EntityTypes.Email, "b@x.org");

        // Moving a sealed value to another placeholder breaks its associated data, so it no longer decrypts.
        using (SqliteConnection connection = new($"Data Source={DatabasePath}"))
        {
            connection.Open();
            using SqliteCommand swap = connection.CreateCommand();
            swap.CommandText = "UPDATE vault_entry SET value = (SELECT value FROM vault_entry WHERE placeholder = 'EMAIL_2') WHERE placeholder = 'EMAIL_1'";
            Assert.That(swap.ExecuteNonQuery(), Is.EqualTo(1));
        }

        Assert.Multiple(() =>
        {
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_1", out _), Is.False);
            Assert.That(vault.TryGetOriginal(scope, "EMAIL_2", out string? untouched), Is.True);
            Assert.That(untouched, Is.EqualTo("b@x.org"));
        });
    }

    [Test]
    public void Expired_scopes_are_deleted_from_the_file_when_another_scope_opens()
    {
        FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        SqlitePseudonymVault vault = new(DatabasePath, Key, TimeSpan.FromMinutes(5), time);
        string old = vault.OpenScope("old");
        _ = vault.GetOrAddPlaceholder(old, EntityTypes.Email, "a@x.org");
        time.Advance(TimeSpan.FromMinutes(6));
        _ = vault.OpenScope("new");

        using SqliteConnection connection = new($"Data Source={DatabasePath}");
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT (SELECT count(*) FROM vault_entry) * 100 + (SELECT count(*) FROM vault_scope)";
        Assert.That(count.ExecuteScalar(), Is.EqualTo(1L), "no entries left, one scope (the new one)");
    }

    [Test]
    public void Pseudonymiser_and_restorers_work_on_the_file()
    {
        SqlitePseudonymVault vault = new(DatabasePath, Key);
        string scope = vault.OpenScope("conv");
        const string Prompt = "Ask hannah@panther-energy.eu about EMAIL_1 at 742 Evergreen Terrace.";
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        string sanitized = new Pseudonymizer(vault).Pseudonymize(scope, Prompt, scanner.Scan(Prompt).Spans).Text;
        const string Answer = "I wrote to email_1 about ADDRESS\\_1 and EMAIL_2.";
        const string Expected = "I wrote to hannah@panther-energy.eu about 742 Evergreen Terrace and EMAIL_1.";

        Assert.Multiple(() =>
        {
            // The value is issued EMAIL_1 first, so the literal EMAIL_1 is sent as EMAIL_2 and comes back as written.
            Assert.That(sanitized, Is.EqualTo("Ask EMAIL_1 about EMAIL_2 at ADDRESS_1."));
            Assert.That(new PlaceholderRestorer(vault, scope).Restore(Answer), Is.EqualTo(Expected));
            for (int i = 0; i <= Answer.Length; i += 3)
            {
                StreamingPlaceholderRestorer restorer = new(vault, scope);
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
