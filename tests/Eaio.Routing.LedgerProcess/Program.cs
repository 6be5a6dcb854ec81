using System.Globalization;
using Eaio.Routing;

// Usage: Eaio.Routing.LedgerProcess <database> <budget-usd> <calls> <seed>
// Runs <calls> concurrent reserve/settle (or release) cycles of random sizes against the SQLite ledger and prints
// "settled=<sum>" with the sum of the costs it settled, so the test can check nothing was lost or counted twice.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Eaio.Routing.LedgerProcess <database> <budget-usd> <calls> <seed>");
    return 2;
}

decimal budget = decimal.Parse(args[1], CultureInfo.InvariantCulture);
int calls = int.Parse(args[2], CultureInfo.InvariantCulture);
Random random = new(int.Parse(args[3], CultureInfo.InvariantCulture));
SqliteBudgetLedger ledger = new(args[0], new BudgetLimits(budget));

(decimal Hold, decimal Cost, bool Fail)[] plan = [.. Enumerable.Range(0, calls).Select(_ =>
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
