using System.Globalization;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// A second process for the tests, against a store shared with the test process. The store is a SQLite file path, or
// "postgres:" followed by an Npgsql connection string.
//   calls <store> <budget-usd> <calls> <seed>   concurrent reserve/settle (or release) cycles of random sizes; prints
//                                               "settled=<sum> refused=<n>" so the test can check nothing was lost or counted twice
//   hold <store> <budget-usd> <amount-usd>      reserves once, prints "held", then waits to be killed
//   audit <store> <records> <writer> [key]      appends audit records, keyed with <key> when given; prints "appended=<n>"
//   audit-acked <store> <writer>               appends audit records from 64 callers at once until killed, printing
//                                               "acked <seq> <hash>" once each append has returned (is durable)
//   router <store> <openai-base-url> <budget-usd> <calls>
//                                               the whole router (AddEaioHybridChat + AddEaioPostgres) sending <calls>
//                                               requests at once, on the default thread pool; prints
//                                               "served=<n> refused=<n> storage=<n> raw=<n> other=<n> charged=<sum> seconds=<s>"
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Eaio.Routing.LedgerProcess calls|hold|audit <store> ...");
    return 2;
}

string store = args[1];
PostgresStore? postgres = store.StartsWith("postgres:", StringComparison.Ordinal) ? new PostgresStore(store["postgres:".Length..]) : null;
IBudgetLedger Ledger(decimal budget) => postgres is null
    ? new SqliteBudgetLedger(store, new BudgetLimits(budget))
    : new PostgresBudgetLedger(postgres, new BudgetLimits(budget));

switch (args[0])
{
    case "calls":
    {
        IBudgetLedger ledger = Ledger(Parse(args[2]));
        Random random = new(int.Parse(args[4], CultureInfo.InvariantCulture));
        (decimal Hold, decimal Cost, bool Fail)[] plan = [.. Enumerable.Range(0, int.Parse(args[3], CultureInfo.InvariantCulture)).Select(_ =>
        {
            decimal hold = Math.Round((decimal)random.NextDouble() * 0.2m, 6);
            return (hold, Math.Round(hold * (decimal)random.NextDouble(), 6), random.Next(10) == 0);
        })];

        decimal settled = 0m;
        int refused = 0;
        Lock sum = new();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (call, ct) =>
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

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settled={settled} refused={refused}"));
        return 0;
    }

    case "hold":
    {
        IBudgetLedger ledger = Ledger(Parse(args[2]));
        await ledger.ReserveAsync(null, Parse(args[3]));
        Console.WriteLine("held");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    case "audit":
    {
        byte[]? key = args.Length > 4 ? System.Text.Encoding.UTF8.GetBytes(args[4]) : null;
        IAuditLog audit = postgres is null ? new SqliteAuditLog(store, key) : new PostgresAuditLog(postgres, key);
        int records = int.Parse(args[2], CultureInfo.InvariantCulture);
        await Parallel.ForAsync(0, records, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await audit.AppendAsync(
                new AuditEntry
                {
                    Timestamp = DateTimeOffset.UtcNow,
                    RequestId = $"{args[3]}-{i}",
                    Provider = "openai",
                    Model = "gpt-4o-mini",
                    Privacy = PrivacyLevel.Public,
                    Sensitivity = DataSensitivity.Public,
                    Reasons = ["test"],
                    EntityCounts = new Dictionary<string, int>(),
                    PayloadHmac = "none",
                    Outcome = "ok",
                },
                ct));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"appended={records}"));
        return 0;
    }

    case "audit-acked":
    {
        SqliteAuditLog audit = new(store);
        await Parallel.ForAsync(0, int.MaxValue, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            AuditRecord record = await audit.AppendAsync(
                new AuditEntry
                {
                    Timestamp = DateTimeOffset.UtcNow,
                    RequestId = $"{args[2]}-{i}",
                    Provider = "openai",
                    Model = "gpt-4o-mini",
                    Privacy = PrivacyLevel.Public,
                    Sensitivity = DataSensitivity.Public,
                    EntityCounts = new Dictionary<string, int>(),
                    PayloadHmac = "none",
                    Outcome = "ok",
                },
                ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acked {record.Sequence} {record.Hash}"));
        });
        return 0;
    }

    case "router":
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.Strategy = RoutingStrategy.ApiOnly;
            o.OpenAI.ApiKey = "test-openai-key";
            o.OpenAI.BaseUrl = new Uri(args[2]);
            o.MonthlyBudgetUsd = Parse(args[3]);
            o.DataDirectory = Path.Combine(Path.GetTempPath(), "eaio-worker-" + Environment.ProcessId);

            // The provider's own limits (100 requests and 200,000 tokens a minute, 10 at once and 100 queued) would refuse
            // most of the burst before it reached the store, which is what is under test: they are opened wide.
            o.RequestsPerMinute = 100_000;
            o.TokensPerMinute = 100_000_000;
            o.MaxConcurrentApi = 50;
            o.MaxQueuedRequests = 1000;
        });
        services.AddEaioPostgres(store["postgres:".Length..]);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        ChatMessage[] question = [new(ChatRole.User, "How do I read an electricity meter?")];

        // Every request at once, as a burst reaches a host: planning, reserving, settling and auditing all meet the store together.
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        (string Kind, decimal Charged)[] results = await Task.WhenAll(Enumerable.Range(0, int.Parse(args[4], CultureInfo.InvariantCulture)).Select(async _ =>
        {
            ChatOptions options = new ChatOptions { MaxOutputTokens = 1000 }.WithEaio(p =>
            {
                p.Privacy = PrivacyLevel.Public;
                p.Domain = RequestDomain.General;
                p.Complexity = 0.1;
            });
            try
            {
                ChatResponse response = await chat.GetResponseAsync(question, options);
                return ("served", response.GetRouteDecision()?.Cost?.Usd ?? -1_000_000m);
            }
            catch (Exception ex)
            {
                string kind = Classify(ex);
                if (kind is "raw" or "other" or "storage")
                {
                    Console.Error.WriteLine($"{kind}: {ex}");
                }

                return (kind, 0m);
            }
        }));

        int Count(string kind) => results.Count(r => r.Kind == kind);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"served={Count("served")} refused={Count("refused")} storage={Count("storage")} raw={Count("raw")} other={Count("other")} charged={results.Sum(r => r.Charged)} seconds={System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
        return 0;
    }

    default:
        Console.Error.WriteLine($"Unknown verb '{args[0]}': expected calls, hold, audit or router.");
        return 2;
}

static decimal Parse(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);

// refused: the budget said no (at planning or at the reservation); storage: a store failure, named as such; raw: a
// driver exception that reached the caller unwrapped, which must never happen.
static string Classify(Exception exception)
{
    for (Exception? e = exception; e is not null; e = e.InnerException)
    {
        switch (e)
        {
            case EaioStorageException:
                return "storage";
            case NpgsqlException:
                return "raw";
            case BudgetExceededException:
                return "refused";
        }
    }

    // A plan without any route left (the budget excluded them all) names no cause; a failed provider would be the inner one.
    return exception is NoRouteAvailableException { InnerException: null } ? "refused" : "other";
}
