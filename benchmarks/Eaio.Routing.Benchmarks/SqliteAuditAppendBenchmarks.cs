using BenchmarkDotNet.Attributes;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Durable audit appends to a SQLite file (<c>synchronous = FULL</c>) from many callers at once, as a gateway under load
/// makes them: one commit (one flush) per record, as before issue 17, against group commit. Each operation is one append;
/// every append is durable when it returns in both.
/// </summary>
[MemoryDiagnoser]
public class SqliteAuditAppendBenchmarks
{
    private const int PerCaller = 20;

    private string _folder = string.Empty;
    private OneCommitPerRecordAuditLog _before = null!;
    private SqliteAuditLog _after = null!;
    private AuditEntry _entry = null!;

    /// <summary>Gets or sets how many callers append at once.</summary>
    [Params(1, 16, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("eaio-audit-bench-").FullName;
        _before = new OneCommitPerRecordAuditLog(Path.Combine(_folder, "before.db"));
        _after = new SqliteAuditLog(Path.Combine(_folder, "after.db"));
        _entry = new AuditEntry
        {
            Timestamp = DateTimeOffset.UnixEpoch,
            RequestId = "req-1",
            Provider = EaioProviders.OpenAI,
            Model = "gpt-4o-mini",
            Privacy = PrivacyLevel.Public,
            Sensitivity = DataSensitivity.Public,
            Reasons = ["privacy PUBLIC: external preferred"],
            EntityCounts = new Dictionary<string, int> { [EntityTypes.Email] = 1 },
            PayloadHmac = new string('a', 64),
            InputTokens = 120,
            OutputTokens = 80,
            CostUsd = 0.0001m,
            LatencyMs = 250,
            Outcome = "ok",
        };
        _after.AppendAsync(_entry).GetAwaiter().GetResult();
        _before.AppendAsync(_entry).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "one commit per record (before)", OperationsPerInvoke = PerCaller)]
    public Task OneCommitPerRecord() => RunAsync(() => _before.AppendAsync(_entry));

    [Benchmark(Description = "group commit", OperationsPerInvoke = PerCaller)]
    public Task GroupCommit() => RunAsync(() => _after.AppendAsync(_entry));

    /// <summary>Each caller appends <see cref="PerCaller"/> records one after another; the figure is per caller's append, so
    /// divide by <see cref="Callers"/> for the time per record.</summary>
    private Task RunAsync<T>(Func<Task<T>> append) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < PerCaller; i++)
            {
                await append();
            }
        })));
}
