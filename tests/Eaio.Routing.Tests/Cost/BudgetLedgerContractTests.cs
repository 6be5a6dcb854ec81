using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>What every budget ledger must do; run against the in-memory ledger and a real SQLite file.</summary>
public abstract class BudgetLedgerContractTests
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected abstract IBudgetLedger Create(BudgetLimits limits);

    [SetUp]
    public void StartClock() => Time = new FakeTimeProvider(Start);

    [Test]
    public async Task A_reservation_holds_budget_until_it_is_settled()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m));

        BudgetReservation hold = await ledger.ReserveAsync(null, 4m);
        BudgetStatus held = await ledger.GetStatusAsync(null);
        Assert.That((held.SpentUsd, held.ReservedUsd, held.RemainingUsd), Is.EqualTo((0m, 4m, 6m)));

        BudgetSettlement settled = await ledger.SettleAsync(hold, 1.25m);
        Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd, settled.Status.RemainingUsd), Is.EqualTo((1.25m, 0m, 8.75m)));
        Assert.That(await ledger.GetStatusAsync(null), Is.EqualTo(settled.Status));
        ValueTask<BudgetSnapshot> snapshot = ledger.GetSnapshotAsync(null);
        Assert.That(snapshot.IsCompletedSuccessfully, Is.True, "the status just read answers the plan at once, without a query");
        Assert.That(await snapshot, Is.EqualTo(new BudgetSnapshot(10m, 8.75m)), "the plan sees the same figures");
    }

    [Test]
    public async Task A_reservation_beyond_what_remains_is_refused_with_the_figures_and_holds_nothing()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m));
        await ledger.SettleAsync(await ledger.ReserveAsync(null, 6m), 6m);
        await ledger.ReserveAsync(null, 3m);

        BudgetExceededException refused = Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync(null, 1.5m))!;

        Assert.That(refused.RequestedUsd, Is.EqualTo(1.5m));
        Assert.That((refused.Status!.SpentUsd, refused.Status.ReservedUsd, refused.Status.RemainingUsd, refused.Status.BudgetUsd), Is.EqualTo((6m, 3m, 1m, 10m)));
        Assert.That(refused.Status.ResetsAt, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(refused.Message, Does.Contain("$1 left").And.Contain("needs up to $1.5").And.Contain("2026-12-01"));
        Assert.That((await ledger.GetStatusAsync(null)).ReservedUsd, Is.EqualTo(3m), "a refused reservation holds nothing");
        Assert.That(await ledger.ReserveAsync(null, 1m), Is.Not.Null, "exactly what remains can still be reserved");
    }

    [Test]
    public async Task Released_budget_is_available_again_and_nothing_is_spent()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(5m));
        BudgetReservation hold = await ledger.ReserveAsync("acme", 5m);

        await ledger.ReleaseAsync(hold);

        BudgetStatus status = await ledger.GetStatusAsync("acme");
        Assert.That((status.SpentUsd, status.ReservedUsd, status.RemainingUsd), Is.EqualTo((0m, 0m, 5m)));
        Assert.That(await ledger.ReserveAsync("acme", 5m), Is.Not.Null);
    }

    [Test]
    public async Task Bad_amounts_are_refused_and_change_nothing()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(5m));
        BudgetReservation hold = await ledger.ReserveAsync(null, 1m);

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.ReserveAsync(null, -1m));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.SettleAsync(hold, -0.01m));

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0m, 1m)));
    }

    [Test]
    public async Task Tenants_have_their_own_budgets()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m, tenantBudgetsUsd: new Dictionary<string, decimal> { ["small"] = 1m }));

        await ledger.SettleAsync(await ledger.ReserveAsync("small", 1m), 1m);

        Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync("small", 0.01m));
        Assert.That(await ledger.ReserveAsync("other", 10m), Is.Not.Null, "an unlisted tenant gets the monthly budget");
        Assert.That(await ledger.ReserveAsync(null, 10m), Is.Not.Null, "the host's budget is separate from every tenant's");
        Assert.That((await ledger.GetStatusAsync("small")).BudgetUsd, Is.EqualTo(1m));
    }

    [Test]
    public async Task The_actual_cost_is_counted_even_above_the_hold_and_after_the_hold_expired()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m, reservationLifetime: TimeSpan.FromMinutes(5)));
        BudgetReservation low = await ledger.ReserveAsync(null, 1m);
        BudgetReservation late = await ledger.ReserveAsync(null, 1m);

        await ledger.SettleAsync(low, 1.5m);
        Time.Advance(TimeSpan.FromMinutes(6));
        BudgetSettlement settled = await ledger.SettleAsync(late, 0.5m);

        Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd), Is.EqualTo((2m, 0m)));
    }

    [Test]
    public async Task A_reservation_settled_again_is_counted_once_even_days_later()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m, alertThreshold: 0.1, reservationLifetime: TimeSpan.FromMinutes(5)));
        BudgetReservation hold = await ledger.ReserveAsync(null, 1m);

        BudgetSettlement first = await ledger.SettleAsync(hold, 1.5m);
        BudgetSettlement retried = await ledger.SettleAsync(hold, 1.5m);
        Time.Advance(TimeSpan.FromDays(3));
        BudgetSettlement replayed = await ledger.SettleAsync(hold, 1.5m);

        Assert.That((first.Status.SpentUsd, first.AlertRaised), Is.EqualTo((1.5m, true)));
        Assert.That((retried.Status.SpentUsd, retried.Status.ReservedUsd, retried.AlertRaised), Is.EqualTo((1.5m, 0m, false)), "a retry after a failure that came after the count");
        Assert.That((replayed.Status.SpentUsd, replayed.AlertRaised), Is.EqualTo((1.5m, false)), "a pending settlement applied after the hold expired");
        Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(1.5m));
    }

    [Test]
    public async Task A_hold_left_by_a_dead_process_expires()
    {
        BudgetLimits limits = new(10m, reservationLifetime: TimeSpan.FromMinutes(15));
        IBudgetLedger ledger = Create(limits);
        _ = await ledger.ReserveAsync(null, 9m);

        Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync(null, 2m));
        Time.Advance(TimeSpan.FromMinutes(14));
        Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync(null, 2m), "the hold still counts before its expiry");
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.That((await ledger.GetStatusAsync(null)).ReservedUsd, Is.EqualTo(0m));
        Assert.That(await ledger.ReserveAsync(null, 10m), Is.Not.Null);
    }

    [Test]
    public async Task The_budget_resets_at_the_start_of_the_next_month_and_spending_stays_in_its_month()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(10m));
        Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero));
        BudgetReservation november = await ledger.ReserveAsync(null, 10m);
        Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync(null, 0.01m));

        Time.Advance(TimeSpan.FromMinutes(1));
        BudgetStatus december = await ledger.GetStatusAsync(null);
        Assert.That((december.Period.Label, december.SpentUsd, december.ReservedUsd, december.RemainingUsd), Is.EqualTo(("2026-12", 0m, 0m, 10m)));
        Assert.That(december.ResetsAt, Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        // A November call that settles in December counts in November, where it was reserved.
        await ledger.SettleAsync(november, 7m);
        Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0m));
        Assert.That(await ledger.ReserveAsync(null, 10m), Is.Not.Null);
    }

    [Test]
    public async Task Months_follow_the_configured_time_zone_across_daylight_saving_changes()
    {
        TimeZoneInfo berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        IBudgetLedger ledger = Create(new BudgetLimits(10m, timeZone: berlin));

        // 31 March 2027, 21:59 UTC is 23:59 in Berlin (summer time since 28 March): still March.
        Time.SetUtcNow(new DateTimeOffset(2027, 3, 31, 21, 59, 0, TimeSpan.Zero));
        await ledger.SettleAsync(await ledger.ReserveAsync(null, 4m), 4m);
        BudgetStatus march = await ledger.GetStatusAsync(null);
        Assert.That((march.Period.Label, march.SpentUsd), Is.EqualTo(("2027-03", 4m)));
        Assert.That(march.Period.Start, Is.EqualTo(new DateTimeOffset(2027, 2, 28, 23, 0, 0, TimeSpan.Zero)), "March started at midnight winter time");
        Assert.That(march.ResetsAt, Is.EqualTo(new DateTimeOffset(2027, 3, 31, 22, 0, 0, TimeSpan.Zero)), "April starts at midnight summer time");

        Time.Advance(TimeSpan.FromMinutes(1));
        BudgetStatus april = await ledger.GetStatusAsync(null);
        Assert.That((april.Period.Label, april.SpentUsd), Is.EqualTo(("2027-04", 0m)));
    }

    [Test]
    public async Task The_alert_is_raised_by_exactly_one_settlement_per_period()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(100m, alertThreshold: 0.5));
        BudgetReservation[] holds = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => ledger.ReserveAsync(null, 2m).AsTask()));

        BudgetSettlement[] settlements = await Task.WhenAll(holds.Select(h => Task.Run(() => ledger.SettleAsync(h, 2m).AsTask())));

        BudgetSettlement alerted = settlements.Single(s => s.AlertRaised);
        Assert.That(alerted.Status.SpentUsd, Is.GreaterThanOrEqualTo(50m));
        Assert.That((await ledger.GetStatusAsync(null)).AlertRaised, Is.True);

        Time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        Assert.That((await ledger.GetStatusAsync(null)).AlertRaised, Is.False, "a new period has its own alert");
        BudgetSettlement december = await ledger.SettleAsync(await ledger.ReserveAsync(null, 60m), 60m);
        Assert.That(december.AlertRaised, Is.True);
    }

    [TestCase(1)]
    [TestCase(20261124)]
    public async Task A_thousand_concurrent_calls_of_random_sizes_never_overspend(int seed)
    {
        const decimal budget = 25m;
        IBudgetLedger ledger = Create(new BudgetLimits(budget));
        Random random = new(seed);
        (decimal Hold, decimal Cost, bool Fail)[] calls = [.. Enumerable.Range(0, 1000).Select(_ =>
        {
            decimal hold = Math.Round((decimal)random.NextDouble() * 0.2m, 6);
            return (hold, Math.Round(hold * (decimal)random.NextDouble(), 6), random.Next(10) == 0);
        })];

        int refused = 0;
        decimal settled = 0m;
        Lock sum = new();
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (call, ct) =>
        {
            BudgetReservation hold;
            try
            {
                hold = await ledger.ReserveAsync(null, call.Hold, ct);
            }
            catch (BudgetExceededException)
            {
                Interlocked.Increment(ref refused);
                return;
            }

            await Task.Yield();
            if (call.Fail)
            {
                await ledger.ReleaseAsync(hold, ct);
                return;
            }

            await ledger.SettleAsync(hold, call.Cost, ct);
            lock (sum)
            {
                settled += call.Cost;
            }
        });

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That(status.SpentUsd, Is.LessThanOrEqualTo(budget));
        Assert.That(status.SpentUsd, Is.EqualTo(settled).Within(1e-6m), "every settled cost is counted once");
        Assert.That(status.ReservedUsd, Is.EqualTo(0m));
        Assert.That(refused, Is.GreaterThan(0), "the budget was tight enough to refuse some calls");
    }
}

public sealed class InMemoryBudgetLedgerTests : BudgetLedgerContractTests
{
    protected override IBudgetLedger Create(BudgetLimits limits) => new InMemoryBudgetLedger(limits, Time);
}

public sealed class SqliteBudgetLedgerTests : BudgetLedgerContractTests
{
    private string _folder = null!;

    [SetUp]
    public void MakeFolder() => _folder = Directory.CreateTempSubdirectory("eaio-ledger-").FullName;

    [TearDown]
    public void RemoveFolder()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override IBudgetLedger Create(BudgetLimits limits) => new SqliteBudgetLedger(Path.Combine(_folder, "eaio.db"), limits, Time);

    [Test]
    public async Task Two_ledgers_on_one_file_share_the_budget()
    {
        BudgetLimits limits = new(3m);
        IBudgetLedger first = Create(limits);
        IBudgetLedger second = Create(limits);

        await first.ReserveAsync(null, 2m);
        Assert.ThrowsAsync<BudgetExceededException>(async () => await second.ReserveAsync(null, 1.5m));
        BudgetReservation hold = await second.ReserveAsync(null, 1m);
        await second.SettleAsync(hold, 0.75m);

        BudgetStatus seenByFirst = await first.GetStatusAsync(null);
        Assert.That((seenByFirst.SpentUsd, seenByFirst.ReservedUsd), Is.EqualTo((0.75m, 2m)));
    }

    [Test]
    public async Task Tiny_costs_are_kept_to_a_billionth_of_a_dollar_and_huge_ones_are_refused_clearly()
    {
        IBudgetLedger ledger = Create(new BudgetLimits(1m));
        for (int i = 0; i < 1000; i++)
        {
            // One gemini-1.5-flash input token: $0.000000075.
            await ledger.SettleAsync(await ledger.ReserveAsync(null, 0.000000075m), 0.000000075m);
        }

        Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.000075m));

        ArgumentOutOfRangeException huge = Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ledger.ReserveAsync(null, 10_000_000_000m))!;
        Assert.That(huge.Message, Does.Contain("amounts up to $9223372036"));
        Assert.That((await ledger.GetStatusAsync(null)).ReservedUsd, Is.Zero);
    }
}

/// <summary>Two processes on one SQLite file share one budget without overspending.</summary>
public sealed class SqliteBudgetLedgerProcessTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Two_processes_of_500_concurrent_calls_never_overspend_one_file()
    {
        const decimal budget = 25m;
        string folder = Directory.CreateTempSubdirectory("eaio-ledger-processes-").FullName;
        try
        {
            string database = Path.Combine(folder, "eaio.db");

            string[] outputs = await Task.WhenAll(
                WorkerProcess.RunAsync("calls", database, "25", "500", "1"),
                WorkerProcess.RunAsync("calls", database, "25", "500", "2"));

            (decimal settled, int refused) = WorkerProcess.SumCalls(outputs);
            BudgetStatus status = await new SqliteBudgetLedger(database, new BudgetLimits(budget)).GetStatusAsync(null);
            Assert.That(status.SpentUsd, Is.LessThanOrEqualTo(budget));
            Assert.That(status.SpentUsd, Is.EqualTo(settled), "every cost settled by either process is counted once");
            Assert.That(status.ReservedUsd, Is.EqualTo(0m));
            Assert.That(refused, Is.GreaterThan(0), "the budget was tight enough to refuse some calls");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The ledger and the audit log share one file and one connection pool, but not one durability setting.</summary>
public sealed class SharedDatabaseFileTests
{
    [Test]
    public async Task The_audit_log_stays_fully_synchronous_after_the_ledger_used_the_pooled_connections()
    {
        string folder = Directory.CreateTempSubdirectory("eaio-shared-").FullName;
        try
        {
            string database = Path.Combine(folder, "eaio.db");
            SqliteBudgetLedger ledger = new(database, new BudgetLimits(10m));
            SqliteAuditLog audit = new(database);
            await audit.VerifyAsync();
            await ledger.SettleAsync(await ledger.ReserveAsync(null, 1m), 1m);

            await using Microsoft.Data.Sqlite.SqliteConnection connection = await audit.OpenAsync(CancellationToken.None);
            await using Microsoft.Data.Sqlite.SqliteCommand pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous";

            Assert.That(Convert.ToInt32(await pragma.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(2), "2 is FULL");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
