using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>A served call whose settlement the ledger cannot take: answered, audited once, and charged once, later.</summary>
public sealed class PendingSettlementTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];
    private static readonly ModelPrice s_mini = PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!;

    private static ChatOptions Public() => RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.1; });

    private static string NewFile(string name) => Path.Combine(TestDataDirectory.Path, Guid.NewGuid().ToString("N"), name);

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_settlement_the_ledger_keeps_refusing_leaves_the_answer_standing_audits_it_once_and_is_charged_once_the_ledger_works(bool streaming)
    {
        FlakyLedger ledger = new(new SqliteBudgetLedger(NewFile("eaio.db"), new BudgetLimits(100m))) { SettleFailures = 100 };
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IBudgetLedger>(ledger));

        // gpt-4o-mini: 1,000,000 input tokens at $0.15 per million.
        h.OpenAI.Enqueue(LoopbackReply.Text("Read the dial left to right.", 1_000_000, 0));
        ChatResponse answer = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, Public()).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, Public());

        Assert.That(answer.Text, Is.EqualTo("Read the dial left to right."), "a served answer is never surfaced as a failure");
        Assert.That(ledger.SettleAttempts, Is.EqualTo(3), "tried three times");
        Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.Zero, "the ledger does not have it yet");
        string journal = Path.Combine(h.DataDirectory, BudgetChatClientBuilderExtensions.PendingSettlementsFile);
        Assert.That(await JournalRowsAsync(journal), Is.EqualTo(1), "recorded durably beside the data");

        IAuditLog audit = h.Services.GetRequiredService<IAuditLog>();
        AuditEntry record = (await audit.ReadAllAsync().SingleAsync()).Entry;
        Assert.That((record.Outcome, record.CostUsd), Is.EqualTo(("ok", 0.15m)), "audited once, as served, with its cost");

        // The ledger works again: the next call applies the pending settlement first, once.
        ledger.SettleFailures = 0;
        h.OpenAI.Enqueue(LoopbackReply.Text("Again.", 2_000_000, 0));
        await h.Chat.GetResponseAsync(s_question, Public());

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0.15m + 0.3m, 0m)));
        Assert.That(await JournalRowsAsync(journal), Is.Zero);
        Assert.That(await audit.ReadAllAsync().CountAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_settlement_that_fails_twice_is_counted_by_its_third_attempt_and_nothing_is_left_pending()
    {
        string path = NewFile("eaio.db");
        FlakyLedger ledger = new(new SqliteBudgetLedger(path, new BudgetLimits(10m))) { SettleFailures = 2 };
        BudgetGovernor governor = new(PriceCatalog.Default, ledger, NullLogger.Instance, _ => { }) { PendingSettlementsPath = path + ".pending" };
        CallBudget budget = new(s_mini, 1_000_000, 0, 1m, await ledger.ReserveAsync(null, 1m));

        CallCost cost = await governor.SettleAsync(budget, new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 }, null);

        Assert.That(cost.Usd, Is.EqualTo(0.15m));
        Assert.That(((await ledger.GetStatusAsync(null)).SpentUsd, ledger.SettleAttempts, governor.Pending!.Count), Is.EqualTo((0.15m, 3, 0)));
        Assert.That(File.Exists(path + ".pending"), Is.False, "no journal is made while nothing is pending");
    }

    [Test]
    public async Task While_a_settlement_is_pending_this_process_cannot_spend_it_again()
    {
        FlakyLedger ledger = new(new SqliteBudgetLedger(NewFile("eaio.db"), new BudgetLimits(1m))) { SettleFailures = 100 };
        BudgetGovernor governor = new(PriceCatalog.Default, ledger, NullLogger.Instance, _ => { });
        CallBudget served = new(s_mini, 1_000_000, 0, 0.1m, await ledger.ReserveAsync(null, 0.1m));
        await governor.SettleAsync(served, new UsageDetails { InputTokenCount = 4_000_000, OutputTokenCount = 0 }, null); // $0.60, pending

        // Up to 600,000 output tokens at $0.60 per million: $0.36 and the question. Held $0.10 + pending $0.60 + $0.36 > $1.
        Assert.ThrowsAsync<BudgetExceededException>(async () => await governor.ReserveAsync(null, EaioProviders.OpenAI, "gpt-4o-mini", s_question, null, 600_000, default));

        ledger.SettleFailures = 0;
        CallBudget next = await governor.ReserveAsync(null, EaioProviders.OpenAI, "gpt-4o-mini", s_question, null, 600_000, default);

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0.6m, next.WorstCaseUsd)), "applied, its hold gone, and only the new call's worst case held");
    }

    [Test]
    public async Task A_pending_settlement_survives_a_restart_and_is_applied_exactly_once()
    {
        string path = NewFile("eaio.db");
        string journal = path + ".pending";
        FlakyLedger failing = new(new SqliteBudgetLedger(path, new BudgetLimits(10m))) { SettleFailures = 100 };
        BudgetGovernor before = new(PriceCatalog.Default, failing, NullLogger.Instance, _ => { }) { PendingSettlementsPath = journal };
        await before.SettleAsync(new CallBudget(s_mini, 1_000_000, 0, 1m, await failing.ReserveAsync(null, 1m)), new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 }, null);
        Assert.That(await JournalRowsAsync(journal), Is.EqualTo(1));

        // Two restarts, each with its own ledger on the same files: the first applies the journal, the second finds nothing.
        for (int restart = 0; restart < 2; restart++)
        {
            SqliteBudgetLedger ledger = new(path, new BudgetLimits(10m));
            BudgetGovernor after = new(PriceCatalog.Default, ledger, NullLogger.Instance, _ => { }) { PendingSettlementsPath = journal };
            await after.ReleaseAsync(await after.ReserveAsync(null, EaioProviders.OpenAI, "gpt-4o-mini", s_question, null, 10, default));
            Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.15m), $"restart {restart + 1}");
        }

        Assert.That(await JournalRowsAsync(journal), Is.Zero);
    }

    private static async Task<long> JournalRowsAsync(string journal)
    {
        await using SqliteConnection connection = new($"Data Source={journal};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM pending_settlement";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>A real ledger whose settlements fail (as SQLite's "database is locked") while <see cref="SettleFailures"/> lasts.</summary>
    private sealed class FlakyLedger(IBudgetLedger inner) : IBudgetLedger
    {
        private int _failures;
        private int _attempts;

        public int SettleFailures
        {
            get => Volatile.Read(ref _failures);
            set => Volatile.Write(ref _failures, value);
        }

        public int SettleAttempts => Volatile.Read(ref _attempts);

        public ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default) =>
            inner.ReserveAsync(tenantId, amountUsd, cancellationToken);

        public ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            return Interlocked.Decrement(ref _failures) >= 0
                ? ValueTask.FromException<BudgetSettlement>(new SqliteException("SQLite Error 5: 'database is locked'.", 5))
                : inner.SettleAsync(reservation, actualUsd, cancellationToken);
        }

        public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) => inner.ReleaseAsync(reservation, cancellationToken);

        public ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default) => inner.GetStatusAsync(tenantId, cancellationToken);

        public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default) => inner.GetSnapshotAsync(tenantId, cancellationToken);
    }
}
