using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// What the router adds to a call: the router over a no-op provider, against the bare no-op provider and against the
/// same provider wrapped by Microsoft.Extensions.AI's own <c>UseOpenTelemetry().UseLogging()</c> with listeners attached
/// (a peer middleware stack), in one run so the ratios compare like with like.
/// </summary>
[MemoryDiagnoser]
public class RoutingOverheadBenchmarks
{
    private const string SourceName = "eaio-bench";

    private readonly NoOpChatClient _provider = new();
    private IChatClient _peer = null!;
    private HybridRouterChatClient _router = null!;
    private HybridRouterChatClient _routerWithDetectors = null!;
    private ActivityListener _activities = null!;
    private MeterListener _meters = null!;
    private ILoggerFactory _loggers = null!;
    private ChatMessage[] _messages = null!;
    private ChatOptions _profiled = null!;
    private ChatOptions _estimated = null!;

    /// <summary>Gets or sets the prompt size in characters: a short question or an 8 KB one.</summary>
    [Params(200, 8192)]
    public int PromptChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter.Name == SourceName) { l.EnableMeasurementEvents(i); } } };
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _meters.SetMeasurementEventCallback<int>((_, _, _, _) => { });
        _meters.Start();
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information));

        _peer = new ChatClientBuilder(_provider).UseOpenTelemetry(_loggers, SourceName).UseLogging(_loggers).Build();
        // No rate limit worth the name: the benchmark makes millions of calls a minute.
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue };
        Dictionary<string, IChatClient> providers = new() { [EaioProviders.Ollama] = _provider };
        _router = new HybridRouterChatClient(options, EaioRoutes.ForClients(options, providers).Pipelines);

        // What AddEaioHybridChat wires by default: the built-in detectors scan every request while profiling.
        _routerWithDetectors = new HybridRouterChatClient(
            options, EaioRoutes.ForClients(options, providers).Pipelines, detectors: SensitiveDataScanner.CreateDefault().Detectors);

        string sentence = "What was the peak electricity demand of the office building last January, and why? ";
        string prompt = string.Concat(Enumerable.Repeat(sentence, (PromptChars / sentence.Length) + 1))[..PromptChars];
        _messages = [new ChatMessage(ChatRole.User, prompt)];

        // The whole profile given by the host: nothing to estimate.
        _profiled = new ChatOptions().WithEaio(p =>
        {
            p.Privacy = PrivacyLevel.Private;
            p.Sensitivity = DataSensitivity.Sensitive;
            p.Complexity = 0.4;
            p.Domain = RequestDomain.EnergyOptimization;
            p.Workload = Workload.Interactive;
            p.Urgency = Urgency.Normal;
            p.CostSensitivity = CostSensitivity.Normal;
        });
        _estimated = new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Private);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _router.Dispose();
        _routerWithDetectors.Dispose();
        _peer.Dispose();
        _activities.Dispose();
        _meters.Dispose();
        _loggers.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare no-op provider")]
    public Task<ChatResponse> Bare() => _provider.GetResponseAsync(_messages, _profiled);

    [Benchmark(Description = "peer: UseOpenTelemetry().UseLogging()")]
    public Task<ChatResponse> PeerStack() => _peer.GetResponseAsync(_messages, _profiled);

    [Benchmark(Description = "router, profile given")]
    public Task<ChatResponse> RouterProfileGiven() => _router.GetResponseAsync(_messages, _profiled);

    [Benchmark(Description = "router, profile given, built-in detectors")]
    public Task<ChatResponse> RouterWithDetectors() => _routerWithDetectors.GetResponseAsync(_messages, _profiled);

    [Benchmark(Description = "router, complexity and domain estimated")]
    public Task<ChatResponse> RouterEstimated() => _router.GetResponseAsync(_messages, _estimated);
}
