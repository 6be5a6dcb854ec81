using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The SQLite ledger's group commit on a real file: writes queued together are applied in one transaction, in order, each
/// checked against what the writes before it left, and a batch that fails fails every caller in it and changes nothing.
/// </summary>
/// <remarks>
/// To make a batch deterministic, another connection holds the file's write lock: the first write's writer waits inside
/// SQLite for it, everything queued meanwhile waits behind that writer, and releasing the lock lets the next writer take
/// all of it into one transaction.
/// </remarks>
public sealed class SqliteLedgerGroupCommitTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private string _folder = null!;

    private string LedgerPath => Path.Combine(_folder, "eaio.db");

    [SetUp]
    public void MakeFolder() => _folder = Directory.CreateTempSubdirectory("eaio-ledger-batch-").FullName;

    [TearDown]
    public void RemoveFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Sixty_four_concurrent_reservations_against_a_budget_for_n_get_exactly_n_every_time()
    {
        // Per round its own tenant and budget: n reservations of $0.03 fit exactly, the 64 - n others must be refused.
        Random random = new(20261124);
        int[] fits = [.. Enumerable.Range(0, 24).Select(_ => random.Next(1, 64))];
        SqliteBudgetLedger ledger = new(LedgerPath, new BudgetLimits(0m, tenantBudgetsUsd: fits.Select((n, round) => (n, round)).ToDictionary(x => $"t{x.round}", x => x.n * 0.03m)), new FakeTimeProvider(s_start));
        await ledger.GetStatusAsync(null);

        for (int round = 0; round < fits.Length; round++)
        {
            string tenant = $"t{round}";
            int n = fits[round];
            bool batched = round % 2 == 0;
            long commitsBefore = ledger.Commits;
            Task<BudgetReservation>[] calls;
            if (batched)
            {
                // All 64 queued behind one waiting writer, then applied together: the in-batch check is what refuses.
                SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(LedgerPath);
                Task<BudgetReservation> blocker = Task.Run(() => ledger.ReserveAsync("elsewhere", 0m).AsTask());
                await Until(() => ledger.InFlight == 1, "the blocker's writer is waiting for the lock");
                calls = [.. Enumerable.Range(0, 64).Select(_ => Task.Run(() => ledger.ReserveAsync(tenant, 0.03m).AsTask()))];
                await Until(() => ledger.Queued == 64, "all 64 reservations are queued");
                await holder.ReleaseAsync();
                await blocker;
            }
            else
            {
                // Free-running: however the 64 fall into batches.
                calls = [.. Enumerable.Range(0, 64).Select(_ => Task.Run(() => ledger.ReserveAsync(tenant, 0.03m).AsTask()))];
            }

            int granted = 0;
            int refused = 0;
            foreach (Task<BudgetReservation> call in calls)
            {
                try
                {
                    await call;
                    granted++;
                }
                catch (BudgetExceededException)
                {
                    refused++;
                }
            }

            BudgetStatus status = await ledger.GetStatusAsync(tenant);
            Assert.Multiple(() =>
            {
                Assert.That(granted, Is.EqualTo(n), $"round {round} ({(batched ? "one batch" : "free-running")}): a budget for {n} grants {n}");
                Assert.That(refused, Is.EqualTo(64 - n), $"round {round}: every other reservation is refused");
                Assert.That(status.ReservedUsd, Is.EqualTo(n * 0.03m), $"round {round}: exactly the granted holds are stored");
                Assert.That(status.RemainingUsd, Is.Zero, $"round {round}");
            });
            if (batched)
            {
                Assert.That(ledger.Commits - commitsBefore, Is.EqualTo(2), $"round {round}: the blocker's transaction and one for all 64");
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_batch_that_fails_fails_every_caller_in_it_and_changes_nothing()
    {
        SqliteBudgetLedger ledger = new(LedgerPath, new BudgetLimits(100m), new FakeTimeProvider(s_start));
        await ledger.SettleAsync(await ledger.ReserveAsync(null, 1m), 0.5m);
        BudgetReservation first = await ledger.ReserveAsync(null, 1m);
        BudgetReservation second = await ledger.ReserveAsync(null, 2m);
        BudgetStatus before = await ledger.GetStatusAsync(null);

        // A hold of exactly $7 is refused inside the transaction, as a full disk would refuse a page: a real SqliteException
        // after the writes queued ahead of it have already run in the same transaction.
        await SqliteTestFile.ExecuteAsync(LedgerPath, "CREATE TRIGGER refuse_seven BEFORE INSERT ON budget_hold WHEN NEW.amount = 7000000000 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");

        SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(LedgerPath);
        Task<BudgetReservation> blocker = Task.Run(() => ledger.ReserveAsync("elsewhere", 0m).AsTask());
        await Until(() => ledger.InFlight == 1, "the blocker's writer is waiting for the lock");
        long commitsBefore = ledger.Commits;
        Task<BudgetReservation> reserveBefore = ledger.ReserveAsync(null, 1m).AsTask();
        Task<BudgetSettlement> settle = ledger.SettleAsync(first, 0.8m).AsTask();
        Task<BudgetReservation> poisoned = ledger.ReserveAsync(null, 7m).AsTask();
        Task release = ledger.ReleaseAsync(second).AsTask();
        Task<BudgetReservation> reserveAfter = ledger.ReserveAsync(null, 0.5m).AsTask();
        Assert.That(ledger.Queued, Is.EqualTo(5), "all five wait for the same writer");
        await holder.ReleaseAsync();
        await blocker;

        (Task Call, string Operation)[] calls =
        [
            (reserveBefore, "reserve budget"), (settle, "settle a call's cost"), (poisoned, "reserve budget"), (release, "release a hold"), (reserveAfter, "reserve budget"),
        ];
        foreach ((Task call, string operation) in calls)
        {
            EaioStorageException failure = Assert.ThrowsAsync<EaioStorageException>(async () => await call)!;
            Assert.That(failure.Message, Does.StartWith($"The SQLite ledger at {ledger.Path} failed to {operation}").And.Contain("database or disk is full"));
            Assert.That(failure.InnerException, Is.InstanceOf<SqliteException>());
        }

        Assert.That(ledger.Commits, Is.EqualTo(commitsBefore + 1), "only the blocker's transaction committed");
        Assert.That(ledger.Retry.Retries, Is.Zero, "a refused statement is not a lock conflict: the batch is not run again");
        Assert.That(await ledger.GetStatusAsync(null), Is.EqualTo(before), "nothing of the failed batch is left: not the holds before the failure, not the settlement, not the release");

        // The settlement was rolled back with the rest, so settling again counts it once; the release likewise.
        await SqliteTestFile.ExecuteAsync(LedgerPath, "DROP TRIGGER refuse_seven");
        await ledger.SettleAsync(first, 0.8m);
        await ledger.ReleaseAsync(second);
        BudgetStatus after = await ledger.GetStatusAsync(null);
        Assert.That((after.SpentUsd, after.ReservedUsd), Is.EqualTo((1.3m, 0m)));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Writes_queued_together_are_applied_in_the_order_they_were_made()
    {
        SqliteBudgetLedger ledger = new(LedgerPath, new BudgetLimits(1m), new FakeTimeProvider(s_start));
        BudgetReservation full = await ledger.ReserveAsync("settling", 1m);
        BudgetReservation alsoFull = await ledger.ReserveAsync("releasing", 1m);

        SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(LedgerPath);
        Task<BudgetReservation> blocker = Task.Run(() => ledger.ReserveAsync("elsewhere", 0m).AsTask());
        await Until(() => ledger.InFlight == 1, "the blocker's writer is waiting for the lock");
        long commitsBefore = ledger.Commits;

        // One caller, nothing awaited in between. In this order each reservation fits only because the write before it ran
        // first: the settlement leaves $0.60, the release the whole dollar; in any other order they would be refused.
        Task<BudgetSettlement> settle = ledger.SettleAsync(full, 0.4m).AsTask();
        Task<BudgetReservation> afterSettle = ledger.ReserveAsync("settling", 0.6m).AsTask();
        Task<BudgetReservation> beyond = ledger.ReserveAsync("settling", 0.01m).AsTask();
        Task release = ledger.ReleaseAsync(alsoFull).AsTask();
        Task<BudgetReservation> afterRelease = ledger.ReserveAsync("releasing", 1m).AsTask();
        Task<BudgetSettlement> settleAgain = ledger.SettleAsync(full, 0.4m).AsTask();
        Assert.That(ledger.Queued, Is.EqualTo(6), "all six wait for the same writer");
        await holder.ReleaseAsync();
        await blocker;

        BudgetSettlement settled = await settle;
        Assert.That(await afterSettle, Is.Not.Null, "the reservation after the settlement sees its $0.60");
        BudgetExceededException refused = Assert.ThrowsAsync<BudgetExceededException>(async () => await beyond)!;
        await release;
        Assert.That(await afterRelease, Is.Not.Null, "the reservation after the release sees the whole dollar");
        BudgetSettlement again = await settleAgain;
        BudgetStatus releasing = await ledger.GetStatusAsync("releasing");
        Assert.Multiple(() =>
        {
            Assert.That(ledger.Commits - commitsBefore, Is.EqualTo(2), "the blocker's transaction, then one for all six");
            Assert.That((refused.Status!.SpentUsd, refused.Status.ReservedUsd), Is.EqualTo((0.4m, 0.6m)), "refused on the figures the writes before it left");
            Assert.That((settled.Status.SpentUsd, settled.Status.ReservedUsd), Is.EqualTo((0.4m, 0.6m)), "a settlement reports the figures after its batch");
            Assert.That(again.Status.SpentUsd, Is.EqualTo(0.4m), "settled twice in one batch, counted once");
            Assert.That((releasing.SpentUsd, releasing.ReservedUsd), Is.EqualTo((0m, 1m)));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_reservation_cancelled_while_queued_holds_nothing()
    {
        SqliteBudgetLedger ledger = new(LedgerPath, new BudgetLimits(1m), new FakeTimeProvider(s_start));
        await ledger.GetStatusAsync(null);

        SqliteWriteLock holder = await SqliteWriteLock.TakeAsync(LedgerPath);
        Task<BudgetReservation> blocker = Task.Run(() => ledger.ReserveAsync("elsewhere", 0m).AsTask());
        await Until(() => ledger.InFlight == 1, "the blocker's writer is waiting for the lock");
        using CancellationTokenSource cancel = new();
        Task<BudgetReservation> cancelled = ledger.ReserveAsync(null, 1m, cancel.Token).AsTask();
        Assert.That(ledger.Queued, Is.EqualTo(1));
        await cancel.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ledger.Queued, Is.Zero, "the withdrawn reservation gives its room back");
        await holder.ReleaseAsync();
        await blocker;

        Assert.That((await ledger.GetStatusAsync(null)).ReservedUsd, Is.Zero, "never written");
        Assert.That(await ledger.ReserveAsync(null, 1m), Is.Not.Null, "the whole budget is still there");
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"timed out waiting for {what}");
            await Task.Delay(2);
        }
    }
}
