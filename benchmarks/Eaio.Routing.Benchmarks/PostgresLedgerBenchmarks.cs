using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Reserve+settle against a local PostgreSQL server with 8 concurrent clients (the measure), and one client for
/// the round-trip floor. Needs <c>EAIO_TEST_POSTGRES</c> (start a server with <c>eval "$(.ci/postgres)"</c>); each run
/// uses a database of its own, dropped afterwards.
/// </summary>
[MemoryDiagnoser]
public class PostgresLedgerBenchmarks
{
    private const int Clients = 8;
    private const int PerClient = 250;

    private string _server = string.Empty;
    private string _database = string.Empty;
    private PostgresStore _store = null!;
    private PostgresBudgetLedger _ledger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = Environment.GetEnvironmentVariable("EAIO_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set EAIO_TEST_POSTGRES to a PostgreSQL server (eval \"$(.ci/postgres)\" starts one on 127.0.0.1).");
        _database = "eaio_bench_" + Guid.NewGuid().ToString("N");
        Execute(_server, $"CREATE DATABASE {_database}");
        _store = new PostgresStore(new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString);
        _ledger = new PostgresBudgetLedger(_store, new BudgetLimits(1_000_000_000m));
        _store.EnsureSchemaAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Execute(_server, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    [Benchmark(Description = "PostgreSQL: reserve + settle, 1 client")]
    public async Task<BudgetSettlement> OneClient() => await _ledger.SettleAsync(await _ledger.ReserveAsync(null, 0.01m), 0.004m);

    [Benchmark(Description = "PostgreSQL: reserve + settle, 8 clients", OperationsPerInvoke = Clients * PerClient)]
    public Task EightClients() =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < PerClient; i++)
            {
                await _ledger.SettleAsync(await _ledger.ReserveAsync(null, 0.01m), 0.004m);
            }
        })));

    private static void Execute(string connectionString, string sql)
    {
        using NpgsqlConnection connection = new(connectionString);
        connection.Open();
        using NpgsqlCommand command = new(sql, connection);
        command.ExecuteNonQuery();
    }
}
