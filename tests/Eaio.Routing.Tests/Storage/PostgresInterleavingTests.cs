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
        await live.OpenScopeAsync("other-conversation");
        string scope = await live.OpenScopeAsync("conversation-1");
        string alice = await live.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Alice Example");

        // The sweeper's clock says both scopes expired; the other host's (behind it) says the conversation is live.
        sweeperTime.Advance(TimeSpan.FromMinutes(61));
        liveTime.Advance(TimeSpan.FromMinutes(40));

        // Hold the empty scope's row, which the sweep meets first (it lies first in the heap): the sweep waits there.
        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        Assert.That(await Scalar<long>(holder, "SELECT count(*) FROM eaio_vault_entry e WHERE e.scope = (SELECT scope FROM eaio_vault_scope ORDER BY ctid LIMIT 1)"), Is.Zero, "the empty scope comes first in the heap");
        await Scalar<int>(holder, "SELECT 1 FROM eaio_vault_scope ORDER BY ctid LIMIT 1 FOR UPDATE");
        Task sweep = Task.Run(async () => await sweeper.OpenScopeAsync("trigger-a-sweep"));
        await WaitForLockWaitersAsync(1);

        // Meanwhile the conversation's next turn restores its placeholder on the other host, which renews the scope.
        Assert.That(await live.OriginalAsync(scope, alice), Is.EqualTo("Alice Example"));
        await hold.RollbackAsync();
        await sweep;

        Assert.That(await live.OriginalAsync(scope, alice), Is.EqualTo("Alice Example"), "a renewed scope keeps its entries");
        Assert.That(await live.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Bob Other"), Is.Not.EqualTo(alice), "another person never gets Alice's placeholder");
        await using NpgsqlConnection check = await OpenAsync();
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_scope"), Is.EqualTo(2), "the other conversation was swept, the trigger's scope made");
    }

    [Test]
    public async Task A_conversation_swept_while_another_host_renews_it_is_recreated_empty_and_keeps_nothing_orphaned()
    {
        (FakeTimeProvider sweeperTime, PostgresPseudonymVault sweeper, FakeTimeProvider liveTime, PostgresPseudonymVault live) = TwoHosts();
        string scope = await live.OpenScopeAsync("conversation-2");
        _ = await live.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Alice Example");
        sweeperTime.Advance(TimeSpan.FromMinutes(61));
        liveTime.Advance(TimeSpan.FromMinutes(40));

        // The sweep takes the scope's row first; the other host's renewal (it read the scope as live) queues behind it.
        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        await Scalar<int>(holder, "SELECT 1 FROM eaio_vault_scope FOR UPDATE");
        Task sweep = Task.Run(async () => await sweeper.OpenScopeAsync("trigger-a-sweep"));
        await WaitForLockWaitersAsync(1);
        Task<string> add = Task.Run(async () => await live.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Carol Third"));
        await WaitForLockWaitersAsync(2);
        await hold.RollbackAsync();
        await sweep;
        string carol = await add;

        Assert.That(await live.OriginalAsync(scope, carol), Is.EqualTo("Carol Third"), "the placeholder just issued restores: its scope exists");
        await using NpgsqlConnection check = await OpenAsync();
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_entry e WHERE NOT EXISTS (SELECT 1 FROM eaio_vault_scope s WHERE s.scope = e.scope)"), Is.Zero, "no entry without its scope row");
        Assert.That(await Scalar<long>(check, "SELECT count(*) FROM eaio_vault_entry"), Is.EqualTo(1), "Alice's entry went with the expired scope");
    }

    [Test]
    public async Task The_schema_migrates_as_an_ordinary_role_that_may_not_read_superuser_settings()
    {
        string role = "eaio_app_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using (NpgsqlConnection admin = await OpenAsync())
            {
                // Shadow pg_available_extensions for this role (public ahead of pg_catalog), so the migration believes
                // TimescaleDB is installed whether or not this server has it, and goes on to ask whether it is preloaded.
                await Execute(admin, $"CREATE ROLE {role} LOGIN; GRANT CREATE, USAGE ON SCHEMA public TO {role};");
                await Execute(admin, $"CREATE VIEW public.pg_available_extensions AS SELECT 'timescaledb'::name AS name; GRANT SELECT ON public.pg_available_extensions TO {role};");
            }

            string connectionString = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Username = role, SearchPath = "public, pg_catalog" }.ConnectionString;
            await using PostgresStore store = new(connectionString);
            await store.EnsureSchemaAsync();

            await using PostgresRequestLog log = new(store);
            Assert.That(await log.IsHypertableAsync(), Is.False, "no TimescaleDB in this database: the plain table");
            await using NpgsqlConnection check = await OpenAsync();
            Assert.That(await Scalar<int>(check, "SELECT max(version) FROM eaio_schema"), Is.EqualTo(PostgresSchema.CurrentVersion));
        }
        finally
        {
            // The role owns objects in the test database only: dropping that first lets the role go.
            await _database!.DisposeAsync();
            _database = null;
            await using NpgsqlConnection server = new(Environment.GetEnvironmentVariable("EAIO_TEST_POSTGRES"));
            await server.OpenAsync();
            await Execute(server, $"DROP ROLE IF EXISTS {role}");
        }
    }

    [Test]
    public async Task A_settle_of_an_expired_hold_and_a_reserve_of_the_same_tenant_do_not_deadlock()
    {
        FakeTimeProvider time = new(s_start);
        PostgresBudgetLedger ledger = new(Own(new PostgresStore(_database!.ConnectionString)), new BudgetLimits(100m, reservationLifetime: TimeSpan.FromMinutes(15)), time);
        BudgetReservation expired = await ledger.ReserveAsync("tenant-a", 5m);
        time.Advance(TimeSpan.FromMinutes(16));

        // With the hold's row held, the reserve's expiry step queues on it first, then the settle of that hold. When
        // the hold is let go, each must not wait for a row the other already has.
        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        await Scalar<int>(holder, "SELECT 1 FROM eaio_budget_hold FOR UPDATE");
        Task<BudgetReservation> reserve = Task.Run(async () => await ledger.ReserveAsync("tenant-a", 3m));
        await WaitForLockWaitersAsync(1);
        Task<BudgetSettlement> settle = Task.Run(async () => await ledger.SettleAsync(expired, 4m));
        await WaitForLockWaitersAsync(2);
        await using (NpgsqlConnection check = await OpenAsync())
        {
            // The reserve took the account row before queueing for the hold, so the settle waits for the account, not the hold.
            Assert.That(
                await Scalar<long>(check, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND NOT l.granted AND l.locktype = 'tuple' AND c.relname = 'eaio_budget_hold'"),
                Is.Zero,
                "nobody holding the account waits for a hold row");
        }

        await hold.RollbackAsync();

        Assert.That(await reserve, Is.Not.Null);
        Assert.That((await settle).Status.SpentUsd, Is.EqualTo(4m));
        BudgetStatus status = await ledger.GetStatusAsync("tenant-a");
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((4m, 3m)), "the expired hold was given back once, the settled cost counted once");
    }

    [Test]
    public async Task A_settle_chosen_as_a_deadlock_victim_runs_once_more_and_counts_its_cost_once()
    {
        FakeTimeProvider time = new(s_start);
        PostgresBudgetLedger ledger = new(Own(new PostgresStore(_database!.ConnectionString)), new BudgetLimits(100m), time);
        BudgetReservation reservation = await ledger.ReserveAsync("tenant-b", 5m);

        // A session that holds the hold's row and then asks for the account row the settle already has: a real
        // deadlock. The settle waited longer, so its own deadlock check finds the cycle and it is the one aborted.
        // This session checks late, so the settle's check (after the default second) is the one that finds the cycle.
        await using NpgsqlConnection other = await OpenAsync();
        await Execute(other, "SET deadlock_timeout = '30s'");
        await using NpgsqlTransaction hold = await other.BeginTransactionAsync();
        await Scalar<int>(other, "SELECT 1 FROM eaio_budget_hold FOR UPDATE");
        Task<BudgetSettlement> settle = Task.Run(async () => await ledger.SettleAsync(reservation, 2m));
        await WaitForLockWaitersAsync(1);
        await Scalar<int>(other, "SELECT 1 FROM eaio_budget_account FOR UPDATE");
        await hold.RollbackAsync();

        BudgetSettlement settled = await settle;
        Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd), Is.EqualTo((2m, 0m)), "settled by the second attempt, once");
    }

    [Test]
    public async Task Entries_and_read_ranges_with_a_non_UTC_offset_are_written_and_read()
    {
        PostgresStore store = Own(new PostgresStore(_database!.ConnectionString));
        PostgresRequestLog log = Own(new PostgresRequestLog(store));
        TimeSpan plusTwo = TimeSpan.FromHours(2);
        RequestLogEntry local = RequestLogTests.Entry(1) with { Timestamp = new DateTimeOffset(2026, 3, 10, 14, 0, 0, plusTwo) };
        log.Record(RequestLogTests.Entry(2) with { Timestamp = s_start.AddMinutes(1) });
        log.Record(local);
        await log.FlushAsync();

        List<RequestLogEntry> read = await log.ReadAsync(new DateTimeOffset(2026, 3, 10, 13, 30, 0, plusTwo), new DateTimeOffset(2026, 3, 10, 14, 0, 30, plusTwo)).ToListAsync();
        Assert.That(read.Select(e => (e.RequestId, e.Timestamp)), Is.EqualTo(new[] { (local.RequestId, local.Timestamp) }), "the +02:00 entry is 12:00 UTC and found by a +02:00 range; the other one is not in it");
        Assert.That(await log.ReadAsync(s_start, s_start.AddHours(1)).CountAsync(), Is.EqualTo(2), "neither entry of the batch was lost");
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

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using NpgsqlCommand command = new(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using NpgsqlCommand command = new(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
