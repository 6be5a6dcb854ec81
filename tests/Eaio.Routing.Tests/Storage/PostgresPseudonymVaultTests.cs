using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>The vault contract on PostgreSQL, plus what only a shared database has.</summary>
public sealed class PostgresPseudonymVaultTests : PseudonymVaultContract
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private PostgresDatabase? _database;
    private readonly List<PostgresStore> _stores = [];

    [SetUp]
    public async Task CreateDatabase() => _database = await PostgresDatabase.CreateAsync();

    [TearDown]
    public async Task DropDatabase()
    {
        foreach (PostgresStore store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry) => new PostgresPseudonymVault(Store(), Key, expiry, timeProvider);

    [Test]
    public async Task Two_hosts_share_a_conversations_placeholders_and_nothing_is_stored_in_clear_text()
    {
        PostgresPseudonymVault first = new(Store(), Key);
        PostgresPseudonymVault second = new(Store(), Key);
        string scope = await first.OpenScopeAsync("conversation-42");
        string[] values = [.. Enumerable.Range(0, 12).Select(i => $"person{i}@acme-energy.example")];

        string[][] issued = await Task.WhenAll(new[] { first, second }.Select((vault, k) => Task.Run(async () =>
        {
            List<string> added = [];
            foreach (string v in values.Skip(k).Concat(values))
            {
                added.Add(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, v));
            }

            return added.ToArray();
        })));

        Dictionary<string, string> byValue = values.Zip(issued[0].Skip(values.Length)).ToDictionary(p => p.First, p => p.Second);
        Assert.That(issued[1].Skip(values.Length - 1), Is.EqualTo(values.Select(v => byValue[v])), "both hosts agree on every placeholder");
        Assert.That(byValue.Values.Distinct().Count(), Is.EqualTo(values.Length));
        Assert.That(await second.OriginalAsync(scope, byValue[values[3]]), Is.EqualTo(values[3]));

        await using NpgsqlConnection connection = new(_database!.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand dump = new("SELECT string_agg(encode(convert_to(t::text, 'UTF8'), 'escape'), ' ') FROM (SELECT * FROM eaio_vault_entry) t", connection);
        string stored = (string)(await dump.ExecuteScalarAsync())!;
        await using NpgsqlCommand scopes = new("SELECT string_agg(encode(scope, 'hex'), ' ') FROM eaio_vault_scope", connection);
        string scopeRows = (string)(await scopes.ExecuteScalarAsync())!;
        Assert.That(values.Any(v => stored.Contains(v, StringComparison.Ordinal) || stored.Contains(Convert.ToHexString(Encoding.UTF8.GetBytes(v)), StringComparison.OrdinalIgnoreCase)), Is.False);
        Assert.That(stored.Contains("conversation-42", StringComparison.Ordinal) || scopeRows.Contains(Convert.ToHexString(Encoding.UTF8.GetBytes("conversation-42")), StringComparison.OrdinalIgnoreCase), Is.False);

        PostgresPseudonymVault otherKey = new(Store(), RandomNumberGenerator.GetBytes(32));
        Assert.That((await otherKey.OriginalAsync(scope, byValue[values[0]])) is not null, Is.False, "another key neither finds the scope nor reads the value");
    }

    private PostgresStore Store()
    {
        PostgresStore store = new(_database!.ConnectionString);
        _stores.Add(store);
        return store;
    }
}
