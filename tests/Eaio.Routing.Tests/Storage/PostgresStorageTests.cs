using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The ledger contract on PostgreSQL, on a fresh database for each test.</summary>
public sealed class PostgresBudgetLedgerTests : BudgetLedgerContractTests
{
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

    protected override IBudgetLedger Create(BudgetLimits limits)
    {
        PostgresStore store = new(_database!.ConnectionString);
        _stores.Add(store);
        return new PostgresBudgetLedger(store, limits, Time);
    }
}

/// <summary>Several hosts on one PostgreSQL database: one budget, one audit chain, nothing lost when a host dies.</summary>
public sealed class PostgresSharedStorageTests
{
    private const string AuditKey = "the-fleets-audit-key-2026";

    [Test]
    [CancelAfter(180_000)]
    public async Task Four_processes_of_250_concurrent_calls_never_overspend_one_budget()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        string store = "postgres:" + database.ConnectionString;

        string[] outputs = await Task.WhenAll(Enumerable.Range(1, 4).Select(seed => WorkerProcess.RunAsync("calls", store, "25", "250", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        (decimal settled, int refused) = WorkerProcess.SumCalls(outputs);
        await using PostgresStore shared = new(database.ConnectionString);
        BudgetStatus status = await new PostgresBudgetLedger(shared, new BudgetLimits(25m)).GetStatusAsync(null);
        Assert.That(status.SpentUsd, Is.LessThanOrEqualTo(25m));
        Assert.That(status.SpentUsd, Is.EqualTo(settled), "every cost settled by any process is counted once");
        Assert.That(status.ReservedUsd, Is.EqualTo(0m));
        Assert.That(refused, Is.GreaterThan(0), "the budget was tight enough to refuse some calls");
    }

    /// <summary>
    /// Issue 16's burst: four hosts, each the whole router on the default thread pool, each sending 250 requests at once
    /// to one budget in PostgreSQL. Planning once blocked a thread per request on the ledger, starving the pool: 926 of
    /// 1,000 failed with raw NpgsqlExceptions after up to 250 s.
    /// </summary>
    [Test]
    [CancelAfter(600_000)]
    public async Task Four_router_processes_of_250_requests_at_once_serve_or_refuse_each_charge_and_audit_every_served_call_once_and_never_overspend()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();

        // gpt-4o-mini, 5 input and 1,000 output tokens: $0.00060075 a call, within what each call holds (its estimate of the
        // question and the 1,000-token limit), so settling never charges above a hold. $0.30 serves about half of them.
        await using LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("ok", 5, 1000));
        const decimal budget = 0.30m;

        // 4 x 30 connections stay under the test server's 200 whatever the other tests hold.
        string store = "postgres:" + new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 30 }.ConnectionString;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        (string Output, string Errors)[] workers = await Task.WhenAll(Enumerable.Range(1, 4).Select(_ =>
            WorkerProcess.RunWithErrorsAsync("router", store, openAI.BaseUri.ToString(), budget.ToString(System.Globalization.CultureInfo.InvariantCulture), "250")));
        string[] outputs = [.. workers.Select(w => w.Output)];
        await TestContext.Out.WriteLineAsync($"4 x 250 requests took {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s: {string.Join(" | ", outputs)}");
        foreach (string errors in workers.Select(w => w.Errors).Where(e => e.Length > 0))
        {
            await TestContext.Out.WriteLineAsync(errors.Length > 4000 ? errors[..4000] : errors);
        }

        Dictionary<string, decimal> sum = [];
        foreach (string output in outputs)
        {
            foreach (string pair in output.Split(' '))
            {
                string[] kv = pair.Split('=');
                sum[kv[0]] = sum.GetValueOrDefault(kv[0]) + decimal.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.That((sum["raw"], sum["storage"], sum["other"]), Is.EqualTo((0m, 0m, 0m)), "no raw driver exception, no store failure, nothing else: every request served or refused for budget");
        Assert.That(sum["served"] + sum["refused"], Is.EqualTo(1000m));
        Assert.That(sum["served"], Is.GreaterThan(0m));
        Assert.That(sum["refused"], Is.GreaterThan(0m), "the budget was tight enough to refuse calls");
        int served = (int)sum["served"];

        await using PostgresStore shared = new(database.ConnectionString);
        BudgetStatus status = await new PostgresBudgetLedger(shared, new BudgetLimits(budget)).GetStatusAsync(null);
        Assert.That(status.SpentUsd, Is.LessThanOrEqualTo(budget), "no overspend");
        Assert.That(status.SpentUsd, Is.EqualTo(sum["charged"]), "what the served calls' decisions say they cost is what the ledger counted");
        Assert.That(status.SpentUsd, Is.EqualTo(served * 0.00060075m), "every served call charged once, at its price");
        Assert.That(status.ReservedUsd, Is.Zero, "no hold left behind");
        Assert.That(openAI.ChatRequestCount, Is.EqualTo(served), "each served call sent once, and nothing refused was sent");

        PostgresAuditLog audit = new(shared);
        AuditVerification verification = await audit.VerifyAsync();
        Assert.That(verification.IsValid, Is.True, verification.Problem);
        List<AuditRecord> answered = [.. (await audit.ReadAllAsync().ToListAsync()).Where(r => r.Entry.Outcome == "ok")];
        Assert.That(answered, Has.Count.EqualTo(served), "every served call audited");
        Assert.That(answered.Select(r => r.Entry.RequestId).Distinct().Count(), Is.EqualTo(served), "and audited once");
        Assert.That(answered.Sum(r => r.Entry.CostUsd ?? 0m), Is.EqualTo(status.SpentUsd), "the audit records carry what the ledger charged");
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task The_audit_chain_verifies_after_four_processes_wrote_at_once_and_finds_tampering()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        string store = "postgres:" + database.ConnectionString;

        await Task.WhenAll(Enumerable.Range(1, 4).Select(writer => WorkerProcess.RunAsync("audit", store, "60", $"w{writer}", AuditKey)));

        await using PostgresStore shared = new(database.ConnectionString);
        PostgresAuditLog audit = new(shared, System.Text.Encoding.UTF8.GetBytes(AuditKey));
        AuditVerification clean = await audit.VerifyAsync();
        Assert.That((clean.IsValid, clean.IsKeyed, clean.Warning), Is.EqualTo((true, true, (string?)null)), clean.Problem);
        Assert.That(clean.RecordsChecked, Is.EqualTo(240));
        List<AuditRecord> records = await audit.ReadAllAsync().ToListAsync();
        Assert.That(records.Select(r => r.Entry.RequestId).Distinct().Count(), Is.EqualTo(240), "no record lost or doubled");
        Assert.That(records.Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(1, 240).Select(i => (long)i)), "one chain, no fork");

        await Execute(database, "UPDATE eaio_audit SET entry = replace(entry, 'gpt-4o-mini', 'gpt-4o') WHERE seq = 117");
        AuditVerification edited = await audit.VerifyAsync();
        Assert.That((edited.IsValid, edited.FirstBadSequence), Is.EqualTo((false, 117L)));

        await Execute(database, "UPDATE eaio_audit SET entry = replace(entry, 'gpt-4o\"', 'gpt-4o-mini\"') WHERE seq = 117");
        Assert.That((await audit.VerifyAsync()).IsValid, Is.True, "restoring the record restores the chain");
        await Execute(database, "DELETE FROM eaio_audit WHERE seq = 200");
        Assert.That((await audit.VerifyAsync()).FirstBadSequence, Is.EqualTo(200L), "the deleted record is named");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_host_killed_during_a_call_loses_nothing_and_its_hold_expires()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        Microsoft.Extensions.Time.Testing.FakeTimeProvider time = new(DateTimeOffset.UtcNow);
        await using PostgresStore shared = new(database.ConnectionString);
        PostgresBudgetLedger ledger = new(shared, new BudgetLimits(10m, reservationLifetime: TimeSpan.FromMinutes(15)), time);
        await ledger.SettleAsync(await ledger.ReserveAsync(null, 2m), 1.5m);

        using System.Diagnostics.Process host = WorkerProcess.Start("hold", "postgres:" + database.ConnectionString, "10", "8");
        Assert.That(await host.StandardOutput.ReadLineAsync(), Is.EqualTo("held"));
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync();

        BudgetStatus blocked = await ledger.GetStatusAsync(null);
        Assert.That((blocked.SpentUsd, blocked.ReservedUsd), Is.EqualTo((1.5m, 8m)), "the dead host's hold still counts until it expires");
        Assert.ThrowsAsync<BudgetExceededException>(async () => await ledger.ReserveAsync(null, 1m));

        time.Advance(TimeSpan.FromMinutes(16));
        BudgetStatus after = await ledger.GetStatusAsync(null);
        Assert.That((after.SpentUsd, after.ReservedUsd), Is.EqualTo((1.5m, 0m)), "the hold expired; what was spent is kept");
        Assert.That(await ledger.ReserveAsync(null, 8.5m), Is.Not.Null);
    }

    [Test]
    public async Task The_schema_is_created_once_versioned_and_a_newer_one_is_refused()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        await using (PostgresStore first = new(database.ConnectionString))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new PostgresStore(database.ConnectionString).EnsureSchemaAsync()));
            await first.EnsureSchemaAsync();
        }

        Assert.That(await Scalar(database, "SELECT count(*) FROM eaio_schema"), Is.EqualTo(PostgresSchema.CurrentVersion));

        await Execute(database, $"INSERT INTO eaio_schema (version) VALUES ({PostgresSchema.CurrentVersion + 1})");
        await using PostgresStore older = new(database.ConnectionString);
        InvalidOperationException refused = Assert.ThrowsAsync<InvalidOperationException>(() => older.EnsureSchemaAsync())!;
        Assert.That(refused.Message, Does.Contain("newer than this library's").And.Contain("upgrade Eaio.Routing.PostgreSql"));
    }

    [Test]
    public void A_bad_connection_string_is_refused_without_repeating_it()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => _ = new PostgresStore("Host=127.0.0.1;Pasword=secret-value"))!;
        Assert.That(error.Message, Does.Contain("not valid").And.Not.Contain("secret-value"));
    }

    private static async Task Execute(PostgresDatabase database, string sql)
    {
        await using NpgsqlConnection connection = new(database.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand command = new(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(PostgresDatabase database, string sql)
    {
        await using NpgsqlConnection connection = new(database.ConnectionString);
        await connection.OpenAsync();
        await using NpgsqlCommand command = new(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The router wired to PostgreSQL by <c>AddEaioPostgres</c>, through the whole pipeline with loopback providers.</summary>
public sealed class PostgresRouterTests
{
    [Test]
    public async Task An_external_call_is_reserved_settled_and_audited_in_PostgreSQL()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        await using (RouterHarness h = await RouterHarness.StartAsync(o => o.AuditHmacKey = "a-test-key-of-enough-length", services: s => s.AddEaioPostgres(database.ConnectionString)))
        {
            h.OpenAI.Enqueue(LoopbackReply.Text("Read the dials left to right.", 1000, 200, cachedTokens: 400));

            Microsoft.Extensions.AI.ChatResponse response = await h.Chat.GetResponseAsync(
                [new(Microsoft.Extensions.AI.ChatRole.User, "How do I read an electricity meter?")],
                RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }));

            Assert.That(h.Router.Budget, Is.InstanceOf<PostgresBudgetLedger>());
            Assert.That(response.GetRouteDecision()!.Cost!.Value.Usd, Is.EqualTo(0.004m));
        }

        // Read back through a new store, as another host would.
        await using PostgresStore other = new(database.ConnectionString);
        BudgetStatus status = await new PostgresBudgetLedger(other, new BudgetLimits(1000m)).GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0.004m, 0m)));
        PostgresAuditLog audit = new(other, System.Text.Encoding.UTF8.GetBytes("a-test-key-of-enough-length"));
        AuditRecord record = await audit.ReadAllAsync().SingleAsync();
        Assert.That((record.Entry.Provider, record.Entry.CostUsd), Is.EqualTo((EaioProviders.OpenAI, (decimal?)0.004m)));
        Assert.That(record.Algorithm, Is.EqualTo(AuditHashAlgorithm.HmacSha256), "AddEaioPostgres keys the chain with AUDIT_HMAC_KEY");
        Assert.That((await audit.VerifyAsync()).IsValid, Is.True);
        Assert.That((await new PostgresAuditLog(other).VerifyAsync()).Problem, Does.Contain("cannot be checked without the key"));
    }

    [Test]
    public async Task With_a_vault_key_a_conversation_keeps_its_placeholders_on_whichever_host_serves_it()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        string key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Microsoft.Extensions.AI.ChatOptions Options() => RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        Microsoft.Extensions.AI.ChatMessage[] question = [new(Microsoft.Extensions.AI.ChatRole.User, "Write to ada.lovelace@acme-energy.example about the chiller.")];

        string? sent;
        await using (RouterHarness first = await RouterHarness.StartAsync(o => o.PseudonymVaultKey = key, services: s => s.AddEaioPostgres(database.ConnectionString)))
        {
            Assert.That(first.Services.GetRequiredService<IPseudonymVault>(), Is.InstanceOf<PostgresPseudonymVault>());
            Microsoft.Extensions.AI.ChatOptions options = Options();
            options.ConversationId = "conversation-7";
            await first.Chat.GetResponseAsync(question, options);
            sent = first.OpenAI.Requests.Single().Body;
        }

        // Another host answers the next turn: the provider's reply names the placeholder it was given, and it is restored.
        string placeholder = System.Text.RegularExpressions.Regex.Match(sent, "EMAIL_[0-9]+").Value;
        Assert.That(placeholder, Is.Not.Empty);
        Assert.That(sent, Does.Not.Contain("ada.lovelace"));
        await using RouterHarness second = await RouterHarness.StartAsync(o => o.PseudonymVaultKey = key, services: s => s.AddEaioPostgres(database.ConnectionString));
        second.OpenAI.Enqueue(LoopbackReply.Text($"I wrote to {placeholder} as asked.", 30, 8));
        Microsoft.Extensions.AI.ChatOptions next = Options();
        next.ConversationId = "conversation-7";
        Microsoft.Extensions.AI.ChatResponse answer = await second.Chat.GetResponseAsync([new(Microsoft.Extensions.AI.ChatRole.User, "Did you write?")], next);
        Assert.That(answer.Text, Is.EqualTo("I wrote to ada.lovelace@acme-energy.example as asked."));
    }
}
