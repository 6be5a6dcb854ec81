using BenchmarkDotNet.Attributes;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// One reserve and one settle, the ledger work of every external call: in memory and on the embedded SQLite file, one
/// caller at a time, eight and sixty-four at once.
/// </summary>
[MemoryDiagnoser]
public class BudgetLedgerBenchmarks
{
    private const int Concurrent = 8;
    private const int PerWorker = 250;
    private const int Many = 64;
    private const int PerManyWorker = 32;

    private InMemoryBudgetLedger _memory = null!;
    private SqliteBudgetLedger _sqlite = null!;
    private string _folder = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        // A budget that never runs out, so every reservation succeeds and the figures are the ledger's own work.
        BudgetLimits limits = new(1_000_000_000m);
        _memory = new InMemoryBudgetLedger(limits);
        _folder = Directory.CreateTempSubdirectory("eaio-ledger-bench-").FullName;
        _sqlite = new SqliteBudgetLedger(Path.Combine(_folder, "eaio.db"), limits);
        _sqlite.GetStatusAsync(null).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "in-memory: reserve + settle")]
    public async Task<BudgetSettlement> InMemory() => await _memory.SettleAsync(await _memory.ReserveAsync(null, 0.01m), 0.004m);

    [Benchmark(Description = "in-memory: reserve + settle, 8 callers", OperationsPerInvoke = Concurrent * PerWorker)]
    public Task InMemoryConcurrent() => RunConcurrentAsync(_memory);

    [Benchmark(Description = "SQLite: reserve + settle")]
    public async Task<BudgetSettlement> Sqlite() => await _sqlite.SettleAsync(await _sqlite.ReserveAsync(null, 0.01m), 0.004m);

    [Benchmark(Description = "SQLite: reserve + settle, 8 callers", OperationsPerInvoke = Concurrent * PerWorker)]
    public Task SqliteConcurrent() => RunConcurrentAsync(_sqlite, Concurrent, PerWorker);

    [Benchmark(Description = "SQLite: reserve + settle, 64 callers", OperationsPerInvoke = Many * PerManyWorker)]
    public Task SqliteMany() => RunConcurrentAsync(_sqlite, Many, PerManyWorker);

    private static Task RunConcurrentAsync(IBudgetLedger ledger, int callers = Concurrent, int perCaller = PerWorker) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < perCaller; i++)
            {
                await ledger.SettleAsync(await ledger.ReserveAsync(null, 0.01m), 0.004m);
            }
        })));
}
