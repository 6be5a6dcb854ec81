using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The PostgreSQL stores where two hosts meet on the same rows, an ordinary (non-superuser) role, and callers whose
/// clocks are not in UTC. Interleavings are forced with a row lock the test holds, so each statement is seen to wait
/// where it would have to in production, instead of hoping a race happens.
/// </summary>
[CancelAfter(60_000)]
public sealed class PostgresInterleavingTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);
    private readonly List<IAsyncDisposable> _owned = [];
    private PostgresDatabase? _database;

    [SetUp]
    public async Task CreateDatabase() => _database = await PostgresDatabase.CreateAsync();

    [TearDown]
    public async Task DropDatabase()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    public async Task A_sweep_meeting_a_conversation_touched_by_another_host_keeps_the_scope_with_its_entries()
    {
        (FakeTimeProvider sweeperTime, PostgresPseudonymVault sweeper, FakeTimeProvider liveTime, PostgresPseudonymVault live) = TwoHosts();
        live.OpenScope("other-conversation");
        string scope = live.OpenScope("conversation-1");
        string alice = live.GetOrAddPlaceholder(scope, EntityTypes.Person, "Alice Example");

        // The sweeper's clock says both scopes expired; the other host's (behind it) says the conversation is live.
        sweeperTime.Advance(TimeSpan.FromMinutes(61));
        liveTime.Advance(TimeSpan.FromMinutes(40));

        // Hold the empty scope's row, which the sweep meets first (it lies first in the heap): the sweep waits there.
        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        Assert.That(await Scalar<long>(holder, "SELECT count(*) FROM eaio_vault_entry e WHERE e.scope = (SELECT scope FROM eaio_vault_scope ORDER BY ctid LIMIT 1)"), Is.Zero, "the empty scope comes first in the heap");
        await Scalar<int>(holder, "SELECT 1 FROM eaio_vault_scope ORDER BY ctid LIMIT 1 FOR UPDATE");
        Task sweep = Task.Run(() => sweeper.OpenScope("trigger-a-sweep"));
        await WaitForLockWaitersAsync(1);

        // Meanwhile the conversation's next turn restores its placeholder on the other host, which renews the scope.
        Assert.That(live.TryGetOriginal(scope, alice, out string? during) ? during : null, Is.EqualTo("Alice Example"));
        await hold.RollbackAsync();
        await sweep;

        Assert.That(live.TryGetOriginal(scope, alice, out string? after) ? after : null, Is.EqualTo("Alice Example"), "a renewed scope keeps its entries");
        Assert.That(live.GetOrAddPlaceholder(scope, EntityTypes.Person, "Bob Other"), Is.Not.EqualTo(alice), "another person never gets Alice's placeholder");
        await using NpgsqlConnection check = await OpenAsync();
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_scope"), Is.EqualTo(2), "the other conversation was swept, the trigger's scope made");
    }

    [Test]
    public async Task A_conversation_swept_while_another_host_renews_it_is_recreated_empty_and_keeps_nothing_orphaned()
    {
        (FakeTimeProvider sweeperTime, PostgresPseudonymVault sweeper, FakeTimeProvider liveTime, PostgresPseudonymVault live) = TwoHosts();
        string scope = live.OpenScope("conversation-2");
        _ = live.GetOrAddPlaceholder(scope, EntityTypes.Person, "Alice Example");
        sweeperTime.Advance(TimeSpan.FromMinutes(61));
        liveTime.Advance(TimeSpan.FromMinutes(40));

        // The sweep takes the scope's row first; the other host's renewal (it read the scope as live) queues behind it.
        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        await Scalar<int>(holder, "SELECT 1 FROM eaio_vault_scope FOR UPDATE");
        Task sweep = Task.Run(() => sweeper.OpenScope("trigger-a-sweep"));
        await WaitForLockWaitersAsync(1);
        Task<string> add = Task.Run(() => live.GetOrAddPlaceholder(scope, EntityTypes.Person, "Carol Third"));
        await WaitForLockWaitersAsync(2);
        await hold.RollbackAsync();
        await sweep;
        string carol = await add;

        Assert.That(live.TryGetOriginal(scope, carol, out string? restored) ? restored : null, Is.EqualTo("Carol Third"), "the placeholder just issued restores: its scope exists");
        await using NpgsqlConnection check = await OpenAsync();
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_entry e WHERE NOT EXISTS (SELECT 1 FROM eaio_vault_scope s WHERE s.scope = e.scope)"), Is.Zero, "no entry without its scope row");
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_entry"), Is.EqualTo(1), "Alice's entry went with the expired scope");
    }

    private (FakeTimeProvider SweeperTime, PostgresPseudonymVault Sweeper, FakeTimeProvider LiveTime, PostgresPseudonymVault Live) TwoHosts()
    {
        FakeTimeProvider sweeperTime = new(s_start);
        FakeTimeProvider liveTime = new(s_start);
        return (
            sweeperTime,
            new PostgresPseudonymVault(Own(new PostgresStore(_database!.ConnectionString)), s_key, TimeSpan.FromHours(1), sweeperTime),
            liveTime,
            new PostgresPseudonymVault(Own(new PostgresStore(_database!.ConnectionString)), s_key, TimeSpan.FromHours(1), liveTime));
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        NpgsqlConnection connection = new(_database!.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Waits until this many sessions of the test database wait on a lock, so the next step starts behind them.</summary>
    private async Task WaitForLockWaitersAsync(int count)
    {
        await using NpgsqlConnection connection = await OpenAsync();
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (await Scalar<long>(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{count} sessions never waited on a lock.");
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using NpgsqlCommand command = new(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
