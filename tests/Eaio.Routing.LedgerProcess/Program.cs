using System.Globalization;
using Eaio.Routing;

// A second process for the tests, against a store shared with the test process. The store is a SQLite file path, or
// "postgres:" followed by an Npgsql connection string.
//   calls <store> <budget-usd> <calls> <seed>   concurrent reserve/settle (or release) cycles of random sizes; prints
//                                               "settled=<sum> refused=<n>" so the test can check nothing was lost or counted twice
//   hold <store> <budget-usd> <amount-usd>      reserves once, prints "held", then waits to be killed
//   audit <store> <records> <writer> [key]      appends audit records, keyed with <key> when given; prints "appended=<n>"
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

    default:
        Console.Error.WriteLine($"Unknown verb '{args[0]}': expected calls, hold or audit.");
        return 2;
}

static decimal Parse(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);
