using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Issue 6's two goals. Request path: the router over a no-op provider without a request log, with the SQLite request
/// log, and with the log plus a listener on every Eaio.Routing instrument, in one run so the ratios compare like with like
/// (goal: recording adds at most 2 µs). Report: the optimisation report over 1,000,000 logged requests in SQLite, written in
/// one transaction in the global setup (goal: under 2 s).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MonitoringBenchmarks
{
    private const int LoggedRequests = 1_000_000;
    private static readonly DateTimeOffset s_until = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly NoOpChatClient _provider = new();
    private readonly List<IDisposable> _owned = [];
    private string _folder = null!;
    private HybridRouterChatClient _bare = null!;
    private HybridRouterChatClient _logged = null!;
    private HybridRouterChatClient _queued = null!;
    private QueueOnlyRequestLog _queueOnly = null!;
    private SqliteRequestLog _routerLog = null!;
    private SqliteRequestLog _reportLog = null!;
    private OptimizationReporter _reporter = null!;
    private ChatMessage[] _messages = null!;
    private ChatOptions _options = null!;

    [GlobalSetup(Targets = [nameof(RouterWithoutLog), nameof(RouterWithQueueOnlyLog), nameof(RouterWithLog)])]
    public void SetupRouter()
    {
        _folder = Path.Combine(Path.GetTempPath(), "eaio-bench-" + Guid.NewGuid().ToString("N"));
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue };
        _bare = new HybridRouterChatClient(options, LocalRoute(null));
        _routerLog = new SqliteRequestLog(Path.Combine(_folder, "eaio.db"));
        _logged = new HybridRouterChatClient(options, LocalRoute(_routerLog));
        _queueOnly = new QueueOnlyRequestLog();
        _queued = new HybridRouterChatClient(options, LocalRoute(_queueOnly));
        _messages = [new ChatMessage(ChatRole.User, "What was the peak electricity demand of the office building last January, and why?")];
        _options = new ChatOptions().WithEaio(p =>
        {
            p.Privacy = PrivacyLevel.Private;
            p.Complexity = 0.4;
            p.Domain = RequestDomain.EnergyOptimization;
        });
    }

    /// <summary>The local route's pipeline as AddEaioHybridChat builds it, with the given request log (none when null).</summary>
    private Dictionary<string, IChatClient> LocalRoute(IRequestLog? log)
    {
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue };
        return new(EaioRoutes.ForClients(options, new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = _provider }, requestLog: log).Pipelines);
    }

    [GlobalSetup(Target = nameof(RouterWithLogAndMetrics))]
    public void SetupRouterWithListener()
    {
        SetupRouter();

        // BenchmarkDotNet runs each benchmark in its own process, so only this one has a listener on the instruments.
        MeterListener listener = new() { InstrumentPublished = (i, l) => { if (i.Meter.Name == EaioTelemetry.MeterName) { l.EnableMeasurementEvents(i); } } };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        listener.Start();
        _owned.Add(listener);
    }

    [GlobalSetup(Target = nameof(Report))]
    public void SetupReport()
    {
        _folder = Path.Combine(Path.GetTempPath(), "eaio-bench-" + Guid.NewGuid().ToString("N"));
        _reportLog = new SqliteRequestLog(Path.Combine(_folder, "eaio.db"));
        (string Provider, string Model, ProviderTier Tier, decimal Usd)[] models =
        [
            ("ollama", "llama3.2:3b", ProviderTier.Local, 0m),
            ("ollama", "qwen2.5:7b", ProviderTier.Local, 0m),
            ("openai", "gpt-4o", ProviderTier.External, 0.0075m),
            ("openai", "gpt-4o-mini", ProviderTier.External, 0.00045m),
            ("deepseek", "deepseek-chat", ProviderTier.External, 0.00049m),
            ("gemini", "gemini-1.5-pro", ProviderTier.External, 0.00375m),
        ];
        Random random = new(6);
        DateTimeOffset since = s_until.AddDays(-30);
        long span = (long)(s_until - since).TotalMilliseconds;
        _reportLog.WriteAsync(Enumerable.Range(0, LoggedRequests).Select(i =>
        {
            var m = models[random.Next(models.Length)];
            int roll = random.Next(1000);
            return new RequestLogEntry
            {
                RequestId = i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                ResponseId = roll < 990 ? "r" + i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) : null,
                // In time order, as a log is written.
                Timestamp = since.AddMilliseconds(i * span / LoggedRequests),
                Provider = m.Provider,
                Model = m.Model,
                Tier = m.Tier,
                Privacy = (PrivacyLevel)random.Next(3),
                Complexity = Math.Round(random.NextDouble(), 2),
                Outcome = roll < 990 ? RequestOutcome.Succeeded : roll < 995 ? RequestOutcome.Failed : RequestOutcome.Unavailable,
                ErrorType = roll < 990 ? null : "HttpRequestException",
                LatencyMs = 80 + (random.NextDouble() * 2500),
                TimeToFirstTokenMs = roll % 2 == 0 ? 20 + (random.NextDouble() * 400) : null,
                InputTokens = 200 + random.Next(2000),
                OutputTokens = 20 + random.Next(600),
                CostUsd = m.Usd,
                Fallbacks = roll < 950 ? 0 : 1,
                QualityScore = roll < 100 ? Math.Round(random.NextDouble(), 2) : null,
                RateLimitUtilization = m.Tier == ProviderTier.External ? random.NextDouble() * 0.9 : null,
                Streamed = roll % 2 == 0,
            };
        })).GetAwaiter().GetResult();
        _reporter = new OptimizationReporter(_reportLog);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare?.Dispose();
        _logged?.Dispose();
        _queued?.Dispose();
        _queueOnly?.Dispose();
        _routerLog?.Dispose();
        _reportLog?.Dispose();
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [BenchmarkCategory("request path"), Benchmark(Baseline = true, Description = "router, no request log")]
    public Task<ChatResponse> RouterWithoutLog() => _bare.GetResponseAsync(_messages, _options);

    [BenchmarkCategory("request path"), Benchmark(Description = "router + request log that only queues (the request path's share)")]
    public Task<ChatResponse> RouterWithQueueOnlyLog() => _queued.GetResponseAsync(_messages, _options);

    [BenchmarkCategory("request path"), Benchmark(Description = "router + SQLite request log")]
    public Task<ChatResponse> RouterWithLog() => _logged.GetResponseAsync(_messages, _options);

    [BenchmarkCategory("request path"), Benchmark(Description = "router + SQLite request log + meter listener")]
    public Task<ChatResponse> RouterWithLogAndMetrics() => _logged.GetResponseAsync(_messages, _options);

    [BenchmarkCategory("report"), Benchmark(Baseline = true, Description = "optimisation report, 1,000,000 logged requests (SQLite)")]
    public Task<OptimizationReport> Report() => _reporter.CreateAsync(s_until.AddDays(-30), s_until);
}
