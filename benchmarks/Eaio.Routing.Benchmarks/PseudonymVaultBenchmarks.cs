using BenchmarkDotNet.Attributes;
using Eaio.Routing;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Cost of one vault call on a warm scope (the values are already there, as in the later turns of a conversation):
/// <see cref="InMemoryPseudonymVault"/> against <see cref="SqlitePseudonymVault"/> on a temp file. A batch of 10 values
/// is what masking one short request asks for; a snapshot is what restoring its answer reads.
/// </summary>
[MemoryDiagnoser]
public class PseudonymVaultBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "eaio-vault-bench-" + Guid.NewGuid().ToString("N"));
    private readonly PseudonymRequest[] _batch = [.. Enumerable.Range(20, 10).Select(i => PseudonymRequest.Value(EntityTypes.Email, $"user{i}@panther-energy.eu"))];
    private InMemoryPseudonymVault _memory = null!;
    private SqlitePseudonymVault _sqlite = null!;
    private string _memoryScope = string.Empty;
    private string _sqliteScope = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _memory = new InMemoryPseudonymVault();
        _sqlite = new SqlitePseudonymVault(Path.Combine(_directory, "vault.db"), new byte[32]);
        _memoryScope = Synchronously.Result(_memory.OpenScopeAsync("benchmark"));
        _sqliteScope = Synchronously.Result(_sqlite.OpenScopeAsync("benchmark"));
        PseudonymRequest[] all = [.. Enumerable.Range(0, 50).Select(i => PseudonymRequest.Value(EntityTypes.Email, $"user{i}@panther-energy.eu"))];
        _ = Synchronously.Result(_memory.PseudonymizeAsync(_memoryScope, all));
        _ = Synchronously.Result(_sqlite.PseudonymizeAsync(_sqliteScope, all));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "in memory: batch of 10 values seen before")]
    public string MemoryBatch() => Synchronously.Result(_memory.PseudonymizeAsync(_memoryScope, _batch))[0];

    [Benchmark(Description = "in memory: snapshot of 50 placeholders")]
    public int MemorySnapshot() => Synchronously.Result(_memory.GetSnapshotAsync(_memoryScope)).Count;

    [Benchmark(Description = "SQLite: batch of 10 values seen before")]
    public string SqliteBatch() => Synchronously.Result(_sqlite.PseudonymizeAsync(_sqliteScope, _batch))[0];

    [Benchmark(Description = "SQLite: snapshot of 50 placeholders")]
    public int SqliteSnapshot() => Synchronously.Result(_sqlite.GetSnapshotAsync(_sqliteScope)).Count;
}
