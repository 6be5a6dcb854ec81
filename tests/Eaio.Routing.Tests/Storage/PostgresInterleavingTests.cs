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
    public async Task A_settle_chosen_as_a_deadlock_victim_runs_again_and_counts_its_cost_once()
    {
        FakeTimeProvider time = new(s_start);
        StoreRetry retry = new(PostgresStore.IsConflict, randomizer: () => 0.5);
        PostgresBudgetLedger ledger = new(Own(new PostgresStore(_database!.ConnectionString)), new BudgetLimits(100m), time) { Retry = retry };
        BudgetReservation reservation = await ledger.ReserveAsync("tenant-b", 5m);

        // A real deadlock, with the settle as its victim whatever the machine's speed. PostgreSQL looks for a cycle once,
        // deadlock_timeout (1 s) after a session starts to wait; this session checks only after 30 s. So the settle must
        // start its wait for the hold row only after this session already waits for the account row the settle has:
        // a third session holds the account row, the settle queues on it first, this session behind it; when the
        // third lets go, the settle takes the account row and then waits for the hold row this session holds.
        await using NpgsqlConnection other = await OpenAsync();
        await Execute(other, "SET deadlock_timeout = '30s'");
        await using NpgsqlTransaction holdRow = await other.BeginTransactionAsync();
        await Scalar<int>(other, "SELECT 1 FROM eaio_budget_hold FOR UPDATE");
        await using NpgsqlConnection third = await OpenAsync();
        await using NpgsqlTransaction accountRow = await third.BeginTransactionAsync();
        await Scalar<int>(third, "SELECT 1 FROM eaio_budget_account FOR UPDATE");

        Task<BudgetSettlement> settle = Task.Run(async () => await ledger.SettleAsync(reservation, 2m));
        await WaitForLockWaitersAsync(1);
        Task<int> otherWantsAccount = Scalar<int>(other, "SELECT 1 FROM eaio_budget_account FOR UPDATE");
        await WaitForLockWaitersAsync(2);
        await accountRow.RollbackAsync();

        // The settle is aborted, its first attempt rolled back whole; this session then gets the account row, and lets go.
        Assert.That(await otherWantsAccount, Is.EqualTo(1), "the session that was not the victim got its row");
        await holdRow.RollbackAsync();

        BudgetSettlement settled = await settle;
        Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd), Is.EqualTo((2m, 0m)), "settled by a later attempt, once");
        Assert.That(retry.Retries, Is.EqualTo(1), "one deadlock, one retry");
    }

    [Test]
    public async Task A_ledger_statement_aborted_as_a_conflict_runs_again_up_to_the_bound_and_then_fails_naming_the_store()
    {
        PostgresStore store = Own(new PostgresStore(_database!.ConnectionString));
        StoreRetry retry = new(PostgresStore.IsConflict, randomizer: () => 0.5, baseDelay: TimeSpan.FromMilliseconds(1));
        PostgresBudgetLedger ledger = new(store, new BudgetLimits(100m), new FakeTimeProvider(s_start)) { Retry = retry };
        BudgetReservation first = await ledger.ReserveAsync("tenant-c", 5m);

        // The failure is injected by the server at the store boundary: a trigger aborts the account's update as a
        // deadlock victim or serialization failure as long as a sequence (not rolled back with the transaction) allows.
        await using NpgsqlConnection admin = await OpenAsync();
        await Execute(admin, """
            CREATE SEQUENCE eaio_test_aborts;
            CREATE TABLE eaio_test_abort_limit (n bigint NOT NULL);
            INSERT INTO eaio_test_abort_limit VALUES (2);
            CREATE FUNCTION eaio_test_abort() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('eaio_test_aborts') <= (SELECT n FROM eaio_test_abort_limit) THEN
                    RAISE EXCEPTION 'injected conflict' USING ERRCODE = CASE WHEN currval('eaio_test_aborts') % 2 = 0 THEN '40001' ELSE '40P01' END;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER eaio_test_abort BEFORE UPDATE ON eaio_budget_account FOR EACH ROW EXECUTE FUNCTION eaio_test_abort();
            """);

        BudgetSettlement settled = await ledger.SettleAsync(first, 1m);
        Assert.That(await Scalar<long>(admin, "SELECT last_value FROM eaio_test_aborts"), Is.EqualTo(3), "two aborted attempts, then one that ran");
        Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd, retry.Retries), Is.EqualTo((1m, 0m, 2L)), "counted once, after two retries");

        await Execute(admin, "UPDATE eaio_test_abort_limit SET n = 1000000; SELECT setval('eaio_test_aborts', 1, false);");
        EaioStorageException? failure = Assert.ThrowsAsync<EaioStorageException>(async () => await ledger.ReserveAsync("tenant-c", 1m));
        Assert.That(await Scalar<long>(admin, "SELECT last_value FROM eaio_test_aborts"), Is.EqualTo(StoreRetry.MaxRetries + 1), "bounded: the first attempt and the retries, no more");
        Assert.That(failure!.Store, Is.EqualTo($"PostgreSQL ledger {store.Location}"));
        Assert.That(failure.Message, Does.StartWith($"The PostgreSQL ledger 127.0.0.1:").And.Contain(_database.Name).And.Contain("reserve budget"));
        Assert.That(failure.InnerException, Is.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).AnyOf("40P01", "40001"));

        await Execute(admin, "DROP TRIGGER eaio_test_abort ON eaio_budget_account");
        BudgetStatus status = await ledger.GetStatusAsync("tenant-c");
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((1m, 0m)), "the refused reservations held nothing");
    }

    [Test]
    public async Task A_budget_snapshot_read_while_the_account_is_locked_holds_no_thread_and_is_one_query_for_all_callers()
    {
        PostgresBudgetLedger ledger = new(Own(new PostgresStore(_database!.ConnectionString)), new BudgetLimits(100m), new FakeTimeProvider(s_start));
        await ledger.GetStatusAsync("tenant-d");
        PostgresBudgetLedger planner = new(Own(new PostgresStore(_database!.ConnectionString)), new BudgetLimits(100m), new FakeTimeProvider(s_start));

        await using NpgsqlConnection holder = await OpenAsync();
        await using NpgsqlTransaction hold = await holder.BeginTransactionAsync();
        await Scalar<int>(holder, "SELECT 1 FROM eaio_budget_account FOR UPDATE");

        // The old synchronous snapshot blocked the calling thread here until the lock was let go.
        ValueTask<BudgetSnapshot>[] readings = [.. Enumerable.Range(0, 20).Select(_ => planner.GetSnapshotAsync("tenant-d"))];
        Assert.That(readings.Count(r => r.IsCompleted), Is.Zero, "no snapshot yet, and no thread waited for one");
        await WaitForLockWaitersAsync(1);
        await using (NpgsqlConnection check = await OpenAsync())
        {
            Assert.That(await Scalar<long>(check, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"), Is.EqualTo(1), "twenty plans, one query");
        }

        await hold.RollbackAsync();
        foreach (ValueTask<BudgetSnapshot> reading in readings)
        {
            Assert.That(await reading, Is.EqualTo(new BudgetSnapshot(100m, 100m)));
        }

        ValueTask<BudgetSnapshot> fresh = planner.GetSnapshotAsync("tenant-d");
        Assert.That(fresh.IsCompletedSuccessfully, Is.True, "fresh now: answered at once");
        Assert.That(await fresh, Is.EqualTo(new BudgetSnapshot(100m, 100m)));
    }

    [Test]
    public void A_ledger_whose_server_cannot_be_reached_fails_with_the_store_named_and_no_password()
    {
        int port;
        using (System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        string connectionString = $"Host=127.0.0.1;Port={port};Database=eaio_absent;Username=eaio;Password=s3cret-pw;Timeout=2";
        PostgresBudgetLedger ledger = new(Own(new PostgresStore(connectionString)), new BudgetLimits(100m));

        EaioStorageException? failure = Assert.ThrowsAsync<EaioStorageException>(async () => await ledger.GetSnapshotAsync(null));
        Assert.That(failure!.Message, Does.StartWith($"The PostgreSQL ledger 127.0.0.1:{port}/eaio_absent failed to read the budget").And.Not.Contain("s3cret-pw"));
        Assert.That(failure.InnerException, Is.InstanceOf<NpgsqlException>());
        Assert.ThrowsAsync<EaioStorageException>(async () => await ledger.ReserveAsync(null, 1m));

        PostgresStore store = Own(new PostgresStore(connectionString));
        EaioStorageException? audit = Assert.ThrowsAsync<EaioStorageException>(async () => await new PostgresAuditLog(store).AppendAsync(StoreFailureRoutingTests.Entry()));
        Assert.That(audit!.Store, Is.EqualTo($"PostgreSQL audit log 127.0.0.1:{port}/eaio_absent"));
        EaioStorageException? vault = Assert.ThrowsAsync<EaioStorageException>(async () => await new PostgresPseudonymVault(store, s_key).OpenScopeAsync("conversation"));
        Assert.That(vault!.Store, Is.EqualTo($"PostgreSQL pseudonym vault 127.0.0.1:{port}/eaio_absent"));
    }

    [Test]
    public async Task Appends_made_at_once_share_transactions_and_each_caller_gets_its_own_record_in_one_chain()
    {
        PostgresAuditLog audit = new(Own(new PostgresStore(_database!.ConnectionString)));
        AuditEntry template = StoreFailureRoutingTests.Entry();

        AuditRecord[] records = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => audit.AppendAsync(template with { RequestId = $"request-{i}" })));

        Assert.That(records.Select(r => r.Entry.RequestId), Is.EqualTo(Enumerable.Range(0, 200).Select(i => $"request-{i}")), "each caller got the record of its own entry");
        Assert.That(records.Select(r => r.Sequence).Order(), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (long)i)), "one chain, no gap, no fork");
        AuditVerification verification = await audit.VerifyAsync();
        Assert.That((verification.IsValid, verification.RecordsChecked), Is.EqualTo((true, 200L)), verification.Problem);
        await using NpgsqlConnection check = await OpenAsync();

        // xmin is the transaction that wrote a row: appends that queued together were committed together.
        Assert.That(await Scalar<long>(check, "SELECT count(DISTINCT xmin::text) FROM eaio_audit"), Is.LessThan(50), "not one transaction (and one flush) per record");
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
