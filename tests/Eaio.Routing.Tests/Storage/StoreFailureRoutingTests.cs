using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A store of the router's own failing on the request path (here the budget ledger's real SQLite file refusing the
/// reservation): the caller gets an <see cref="EaioStorageException"/> naming the store, no provider is tried in its
/// place, and nothing counts the failure against the provider.
/// </summary>
public sealed class StoreFailureRoutingTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_ledger_that_cannot_reserve_fails_the_call_with_the_store_named_and_neither_fails_over_nor_blames_the_provider(bool streaming)
    {
        InMemoryRequestLog requests = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(requests));
        SqliteBudgetLedger ledger = (SqliteBudgetLedger)h.Router.Budget;
        _ = await ledger.GetStatusAsync(null); // the file and its tables exist; planning can read the budget

        // The file refuses every new hold, as a full disk or a corrupted page would: a real SqliteException underneath.
        await using (SqliteConnection connection = new($"Data Source={ledger.Path}"))
        {
            await connection.OpenAsync();
            await using SqliteCommand trigger = connection.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER refuse_holds BEFORE INSERT ON budget_hold BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;";
            await trigger.ExecuteNonQueryAsync();
        }

        // Public and simple: planned to OpenAI first, with DeepSeek and the local model as fallbacks.
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.1; });
        RoutePlan plan = await h.Router.ExplainAsync(s_question, options);
        Assert.That(plan.Routes.Select(r => r.Provider), Does.Contain(EaioProviders.Ollama).And.Contain(EaioProviders.OpenAI), "a fallback exists that a failover would have taken");

        EaioStorageException? failure = Assert.ThrowsAsync<EaioStorageException>(async () =>
        {
            if (streaming)
            {
                await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync();
            }
            else
            {
                await h.Chat.GetResponseAsync(s_question, options);
            }
        });

        Assert.That(failure!.Store, Is.EqualTo($"SQLite ledger at {ledger.Path}"));
        Assert.That(failure.Message, Does.Contain("reserve budget").And.Contain("database or disk is full"));
        Assert.That(failure.InnerException, Is.InstanceOf<SqliteException>());
        Assert.That(h.ExternalChatRequests + h.Ollama.ChatRequestCount, Is.Zero, "no provider was tried in the store's place");
        RequestLogEntry logged = requests.Entries.Single();
        Assert.That((logged.Provider, logged.Outcome, logged.ErrorType), Is.EqualTo((plan.Routes[0].Provider, RequestOutcome.Blocked, nameof(EaioStorageException))),
            "recorded as the router's own failure, not the provider's");
    }

    [Test]
    public void A_ledger_file_that_is_not_a_database_fails_with_its_path_named()
    {
        string folder = Path.Combine(Path.GetTempPath(), "eaio-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "eaio.db");
            File.WriteAllText(path, new string('x', 4096));
            SqliteBudgetLedger ledger = new(path, new BudgetLimits(10m));

            EaioStorageException? failure = Assert.ThrowsAsync<EaioStorageException>(async () => await ledger.GetSnapshotAsync(null));
            Assert.That(failure!.Message, Does.StartWith($"The SQLite ledger at {path} failed to read the budget"));
            Assert.That(failure.InnerException, Is.InstanceOf<SqliteException>());
            Assert.ThrowsAsync<EaioStorageException>(async () => await ledger.ReserveAsync(null, 1m));

            EaioStorageException? audit = Assert.ThrowsAsync<EaioStorageException>(async () => await new SqliteAuditLog(path).AppendAsync(Entry()));
            Assert.That(audit!.Store, Is.EqualTo($"SQLite audit log at {path}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static AuditEntry Entry() => new()
    {
        Timestamp = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero),
        RequestId = "request-1",
        Provider = EaioProviders.OpenAI,
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Public,
        Sensitivity = DataSensitivity.Public,
        Reasons = ["test"],
        EntityCounts = new Dictionary<string, int>(),
        PayloadHmac = "none",
        Outcome = "ok",
    };
}
