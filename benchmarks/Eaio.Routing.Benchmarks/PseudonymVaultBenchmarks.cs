using BenchmarkDotNet.Attributes;
using Eaio.Routing;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Cost of one vault call on a warm scope (the value or placeholder is already there, as in the later turns of a
/// conversation): <see cref="InMemoryPseudonymVault"/> against <see cref="SqlitePseudonymVault"/> on a temp file.
/// </summary>
[MemoryDiagnoser]
public class PseudonymVaultBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "eaio-vault-bench-" + Guid.NewGuid().ToString("N"));
    private InMemoryPseudonymVault _memory = null!;
    private SqlitePseudonymVault _sqlite = null!;
    private string _memoryScope = string.Empty;
    private string _sqliteScope = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _memory = new InMemoryPseudonymVault();
        _sqlite = new SqlitePseudonymVault(Path.Combine(_directory, "vault.db"), new byte[32]);
        _memoryScope = _memory.OpenScope("benchmark");
        _sqliteScope = _sqlite.OpenScope("benchmark");
        for (int i = 0; i < 50; i++)
        {
            _ = _memory.GetOrAddPlaceholder(_memoryScope, EntityTypes.Email, $"user{i}@panther-energy.eu");
            _ = _sqlite.GetOrAddPlaceholder(_sqliteScope, EntityTypes.Email, $"user{i}@panther-energy.eu");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "in memory: value seen before")]
    public string MemoryGetOrAdd() => _memory.GetOrAddPlaceholder(_memoryScope, EntityTypes.Email, "user25@panther-energy.eu");

    [Benchmark(Description = "in memory: restore a placeholder")]
    public bool MemoryRestore() => _memory.TryGetOriginal(_memoryScope, "EMAIL_26", out _);

    [Benchmark(Description = "SQLite: value seen before")]
    public string SqliteGetOrAdd() => _sqlite.GetOrAddPlaceholder(_sqliteScope, EntityTypes.Email, "user25@panther-energy.eu");

    [Benchmark(Description = "SQLite: restore a placeholder")]
    public bool SqliteRestore() => _sqlite.TryGetOriginal(_sqliteScope, "EMAIL_26", out _);
}
